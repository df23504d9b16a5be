import semver from "semver";
import * as z from "zod";
import { CalendarDate } from "../durations.js";
import { readYamlMapping } from "../yaml-plain.js";
import type { AdvisoryHit } from "./osv.js";

const AcceptedRisk = z.strictObject({
  /** The advisory id or any of its aliases (GHSA, CVE). */
  advisory: z.string().min(1),
  package: z.string().min(1),
  /** A semver range of the versions covered; all versions when absent. */
  versions: z
    .string()
    .min(1)
    .refine((range) => semver.validRange(range) !== null, "a semver range such as <9.0.0")
    .optional(),
  reason: z.string().min(1),
  owner: z.string().min(1),
  /** The last day the acceptance holds (UTC). */
  expires: CalendarDate,
});

const RiskRegisterFile = z.strictObject({ risks: z.array(AcceptedRisk).default([]) });

export type AcceptedRisk = z.infer<typeof AcceptedRisk>;

/** Reads `security/accepted-risks.yml`; errors name the file, the line and the entry. */
export async function readRiskRegister(text: string, source: string): Promise<AcceptedRisk[]> {
  return (await readYamlMapping(text, RiskRegisterFile, source)).value.risks;
}

export function isExpired(risk: AcceptedRisk, now: Date): boolean {
  return risk.expires < now.toISOString().slice(0, 10);
}

/** The register entry naming this finding's advisory (or an alias), package and version; unexpired entries first. */
export function acceptedRiskFor(hit: AdvisoryHit, register: readonly AcceptedRisk[], now: Date): AcceptedRisk | undefined {
  const names = new Set([hit.advisory, ...hit.aliases]);
  const covering = register.filter(
    (risk) =>
      names.has(risk.advisory) &&
      risk.package === hit.component.name &&
      (risk.versions === undefined || semver.satisfies(hit.component.version ?? "", risk.versions, { includePrerelease: true })),
  );
  return covering.find((risk) => !isExpired(risk, now)) ?? covering[0];
}
