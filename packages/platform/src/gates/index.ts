import type { GateId } from "@release-gates/core";
import { quoted } from "@release-gates/core";
import type { GateRunner } from "../kit/run-gate.js";

/**
 * Each registered gate's pipeline, loaded only when that gate runs, so the
 * CLI starts without loading every gate. Checked against the registry: a gate
 * without its runner does not compile.
 */
const RUNNERS = {
  coverage: async () => (await import("./coverage.js")).coverageRunner,
  perf: async () => (await import("./perf.js")).perfRunner,
  security: async () => (await import("./security.js")).securityRunner,
  test: async () => (await import("./test.js")).testRunner,
  observability: async () => (await import("./observability.js")).observabilityRunner,
  signoff: async () => (await import("./signoff.js")).signoffRunner,
} satisfies Record<GateId, () => Promise<{ descriptor: { id: string } }>>;

export async function loadGateRunner(id: string): Promise<GateRunner> {
  const load = (RUNNERS as Record<string, (() => Promise<unknown>) | undefined>)[id];
  if (!load) throw new Error(`no runner for gate ${quoted(id)}: add it to packages/platform/src/gates/index.ts`);
  return (await load()) as GateRunner;
}
