import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

/** The Debian packages some tests need, and what needs them. */
export const MACHINE_TOOLS = {
  rsync: { present: () => onPath("rsync"), neededBy: "gitlab-ci-local, for the GitLab component tests" },
  prometheus: { present: () => existsSync("/usr/bin/prometheus"), neededBy: "a real server, for the perf resources, canary analysis and soak health tests" },
} as const;

export type MachineTool = keyof typeof MACHINE_TOOLS;

function onPath(command: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const warned = new Set<MachineTool>();

/**
 * Whether the tests that need `tool` must be skipped: it is missing from
 * this machine, and this is not CI. The skip says how to install it
 * (`npm test` tries first, see scripts/ensure-test-tools.mjs); under
 * REQUIRE_TEST_TOOLS=1 (set by .ci/run) nothing is skipped, so a missing
 * tool fails its tests instead of hiding them.
 */
export function skipWithout(tool: MachineTool): boolean {
  if (MACHINE_TOOLS[tool].present() || process.env.REQUIRE_TEST_TOOLS === "1") return false;
  if (!warned.has(tool)) {
    warned.add(tool);
    process.stderr.write(`skipping the tests that need ${tool} (${MACHINE_TOOLS[tool].neededBy}): install it with  sudo apt-get install -y ${tool}\n`);
  }
  return true;
}
