import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PINNED_ACTIONS } from "@release-gates/core/frontends";
import { supplyChainProblems } from "@release-gates/test-helpers/workflow-rules";
import { describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("../../", import.meta.url));
/** Our own workflows and every example users copy. */
const workflows = [".github/workflows", "examples/github"].flatMap((dir) =>
  readdirSync(join(repo, dir))
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => `${dir}/${name}`),
);

describe("supply chain: every workflow file passes the rules OpenSSF Scorecard checks", () => {
  it.each(workflows)("%s", (path) => {
    expect(supplyChainProblems(readFileSync(join(repo, path), "utf8"), path)).toEqual([]);
  });

  it("every workflow pins an action to the one SHA the project uses for it", () => {
    const pins = new Map(Object.values(PINNED_ACTIONS).map((pin) => [pin.split("@")[0], pin]));
    for (const path of workflows) {
      for (const [, reference] of readFileSync(join(repo, path), "utf8").matchAll(/uses:\s*([^\s@]+@[0-9a-f]{40}\s*#\s*\S+)/g)) {
        const action = reference?.split("@")[0] ?? "";
        expect(pins.get(action), `${path}: ${action} is not in PINNED_ACTIONS`).toBeDefined();
        expect(reference?.replace(/\s+/g, " "), path).toBe(pins.get(action));
      }
    }
  });

  it("the rules do fail a workflow that breaks them", () => {
    const bad = [
      "on: pull_request_target",
      "permissions: write-all",
      "jobs:",
      "  build:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - uses: actions/checkout@v4",
      "      - uses: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020",
      "",
    ].join("\n");
    expect(supplyChainProblems(bad, "bad.yml")).toEqual([
      "bad.yml: the workflow grants write-all to every job; grant it to the job that needs it",
      "bad.yml: pull_request_target runs with secrets on code from forks",
      "bad.yml:7: actions/checkout@v4 is not pinned by commit SHA",
      'bad.yml:8: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020 has no "# vX.Y.Z" comment naming its version',
      "bad.yml: job build checks out with persist-credentials left on; set it to false (the job does not push)",
    ]);
  });
});
