import type { z } from "zod";
import { coverageGate } from "./coverage/gate.js";
import type { AnyGateDescriptor } from "./kit/descriptor.js";
import { observabilityGate } from "./observability/gate.js";
import { perfGate } from "./perf/gate.js";
import { composePolicySchema } from "./policy/schema.js";
import { securityGate } from "./security/gate.js";
import { signoffGate } from "./signoff/gate.js";
import { testGate } from "./tests/gate.js";

/**
 * Every gate release-gates ships, in the order users read them. The policy's
 * `gates:` sections, promote's known gates, the CLI's commands and the
 * generated front ends all derive from this list: adding a gate is adding it here.
 */
export const GATES = [coverageGate, perfGate, securityGate, testGate, observabilityGate, signoffGate] as const;

/** The id of a gate that ships (`coverage`), as the policy names it. */
export type GateId = (typeof GATES)[number]["id"];

/** The descriptor of a shipped gate by its id, command or name (`coverage`, `coverage-gate`). */
export function findGate(name: string): AnyGateDescriptor | undefined {
  return (GATES as readonly AnyGateDescriptor[]).find((gate) => gate.id === name || gate.command === name || gate.name === name);
}

const composed = composePolicySchema(GATES);

/** `release-gates.yml`: the whole release policy. */
export const Policy = composed.Policy;
/** One environment of the chain, with the gate settings that differ there. */
export const Environment = composed.Environment;

export type Policy = z.infer<typeof Policy>;
export type PolicyInput = z.input<typeof Policy>;
export type Environment = z.infer<typeof Environment>;
