import semver from "semver";
import { TOOL_NAME, TOOL_VERSION } from "../version.js";
import { type AcceptedRisk, isExpired } from "./risks.js";

/** A semver range in the `vers:` notation CycloneDX uses; undefined when it has alternatives (`||`). */
function versRange(range: string): string | undefined {
  const parsed = new semver.Range(range);
  const [set, ...alternatives] = parsed.set;
  if (!set || alternatives.length > 0) return undefined;
  const comparators = set.map((comparator) => comparator.value).filter(Boolean);
  return `vers:npm/${comparators.length > 0 ? comparators.join("|") : "*"}`;
}

/**
 * The unexpired accepted risks as a CycloneDX 1.6 VEX document: each is
 * "exploitable, will not fix" until its expiry (an accepted risk is known and
 * tolerated, not disproved), with the reason as the analysis detail and the
 * owner and expiry as properties. Expired entries accept nothing and are left out.
 */
export function renderRiskRegisterVex(register: readonly AcceptedRisk[], now: Date): object {
  const vulnerabilities = register
    .filter((risk) => !isExpired(risk, now))
    .map((risk) => {
      const range = risk.versions === undefined ? "vers:npm/*" : versRange(risk.versions);
      return {
        id: risk.advisory,
        analysis: { state: "exploitable", response: ["will_not_fix"], detail: risk.reason },
        affects: [
          { ref: `pkg:npm/${risk.package.startsWith("@") ? `%40${risk.package.slice(1)}` : risk.package}`, ...(range ? { versions: [{ range }] } : {}) },
        ],
        properties: [
          { name: "release-gates:owner", value: risk.owner },
          { name: "release-gates:expires", value: risk.expires },
          ...(risk.versions !== undefined && !range ? [{ name: "release-gates:versions", value: risk.versions }] : []),
        ],
      };
    });
  return {
    bomFormat: "CycloneDX",
    specVersion: "1.6",
    version: 1,
    metadata: { timestamp: now.toISOString(), tools: { components: [{ type: "application", name: TOOL_NAME, version: TOOL_VERSION }] } },
    vulnerabilities,
  };
}
