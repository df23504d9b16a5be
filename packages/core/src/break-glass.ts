import { ConfigurationError, quoted } from "./errors.js";
import type { FrontEnd, GateOption } from "./kit/descriptor.js";
import { optionLabel } from "./kit/options.js";

/** A documented bypass of the policy: who asked, who approved (another person), why, until when. */
export interface BreakGlass {
  requestedBy: string;
  approvedBy: string;
  reason: string;
  expires: string;
}

/** The break-glass options, in every front end that has them: all four or none. */
export const BREAK_GLASS_OPTIONS: readonly GateOption[] = [
  {
    name: "override-reason",
    kind: "string",
    placeholder: "TEXT",
    description: "Break-glass: why the policy is bypassed (needs requested-by, approved-by and override-expires).",
  },
  { name: "requested-by", kind: "string", placeholder: "NAME", description: "Break-glass: who asks." },
  { name: "approved-by", kind: "string", placeholder: "NAME", description: "Break-glass: who approves; must not be the requester." },
  { name: "override-expires", kind: "string", placeholder: "ISO-8601", description: "Break-glass: until when." },
];

/** A break-glass override from the four options, or none; some but not all of them is a mistake that names the missing ones. */
export function breakGlass(values: Record<string, unknown>, frontEnd: FrontEnd): BreakGlass | undefined {
  const names = BREAK_GLASS_OPTIONS.map((option) => option.name);
  const given = names.filter((name) => typeof values[name] === "string");
  if (given.length === 0) return undefined;
  const label = (option: string) => optionLabel({ name: option }, frontEnd).replace(/^input /, "");
  if (given.length < names.length)
    throw new ConfigurationError(
      `expected all of ${names.map(label).join(", ")} for a break-glass override, found only ${given.map(label).join(", ")}`,
      frontEnd === "action" ? "inputs" : "break-glass",
    );
  return {
    reason: values["override-reason"] as string,
    requestedBy: values["requested-by"] as string,
    approvedBy: values["approved-by"] as string,
    expires: values["override-expires"] as string,
  };
}

/** An override is a reason, two different people and an expiry still ahead; anything else is refused in one sentence. */
export function validateBreakGlass(override: BreakGlass, now: Date): void {
  if (!override.reason.trim()) throw new ConfigurationError("expected a reason for the break-glass override, found none", "override.reason");
  if (override.approvedBy.trim().toLowerCase() === override.requestedBy.trim().toLowerCase()) {
    throw new ConfigurationError(
      `expected approval by a second person, found ${quoted(override.approvedBy)} approving their own request`,
      "override.approvedBy",
    );
  }
  const expires = Date.parse(override.expires);
  if (Number.isNaN(expires) || expires <= now.getTime())
    throw new ConfigurationError(`expected an expiry in the future, found ${quoted(override.expires)}`, "override.expires");
}
