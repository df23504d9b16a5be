import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { securityRunner } from "@release-gates/platform/gates/security";
import { runGateAction } from "@release-gates/platform/github";
import { useInProcessRunner } from "@release-gates/test-helpers/action-runner";
import { fixturePath } from "@release-gates/test-helpers/fixtures";
import { expectValidReport } from "@release-gates/test-helpers/report-contract";
import { beforeEach, describe, expect, it } from "vitest";

const run = () => runGateAction(securityRunner);

// run() in process with the real @actions/core; the bundle itself is run in test/e2e/security.test.ts.
const corpus = (path: string) => fixturePath(`security/${path}`);
let workspace: string;
const runner = useInProcessRunner();

beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), "rg-security-action-"));
  copyFileSync(corpus("generated/audit-demo/package-lock.json"), join(workspace, "package-lock.json"));
  cpSync(corpus("advisories"), join(workspace, "osv"), { recursive: true });
  runner.writeEvent({ repository: { default_branch: "main" } });
});

const inputs = (values: Record<string, string>) =>
  runner.inputs({ "working-directory": workspace, comment: "false", sbom: "package-lock.json", advisories: "osv", ...values });

describe("security-gate action, in process", () => {
  it("fails on the audit-demo lock file with the blocking findings in outputs, summary and annotations", async () => {
    inputs({ "sarif-out": "out/security.sarif" });
    await run();
    expect(process.exitCode).toBe(1);
    const sarif = JSON.parse(readFileSync(join(workspace, "out/security.sarif"), "utf8"));
    expect(runner.outputs()["sarif-path"]).toBe(join(workspace, "out/security.sarif"));
    expect(sarif.runs[0].results).toHaveLength(13);
    // 10 critical/high + 2 unaccepted mediums block; 8 installed packages are hit: express-jwt, jsonwebtoken 0.1.0
    // and 0.4.0, lodash 2.4.2 and 4.17.15, marsdb, minimist (dev, out of scope but still vulnerable), moment.
    expect(runner.outputs()).toMatchObject({ status: "fail", blocking: "12", vulnerable: "8" });
    expect(runner.summary()).toContain(
      "| ❌ blocking | `jsonwebtoken` | 0.1.0 | [GHSA-c7hr-j4mj-j2w6](https://osv.dev/vulnerability/GHSA-c7hr-j4mj-j2w6) | critical | 4.2.2 | runtime |",
    );
    expect(runner.stdout()).toMatch(/::error title=Security gate,file=package-lock\.json::jsonwebtoken@0\.1\.0 has GHSA-c7hr-j4mj-j2w6/);
    const report = expectValidReport(JSON.parse(readFileSync(join(workspace, "release-gates/security-report.json"), "utf8")));
    expect(report.predicate.inputs.map((input) => input.format)).toEqual(["npm-lockfile", "osv-directory (14 advisories)"]);
  });

  it("passes the mediums an accepted risk covers when the environment only fails on critical", async () => {
    mkdirSync(join(workspace, "security"));
    writeFileSync(
      join(workspace, "security/accepted-risks.yml"),
      "risks:\n  - { advisory: GHSA-8cf7-32gw-wr33, package: jsonwebtoken, reason: tokens are only ever issued by us, owner: alice, expires: 2999-01-01 }\n",
    );
    writeFileSync(
      join(workspace, "release-gates.yml"),
      "environments:\n  - name: staging\n    gates:\n      security:\n        failOn: critical\n        requireAcceptanceFrom: medium\n        onlyFixable: true\n",
    );
    inputs({ environment: "staging", "npm-audit": "", "vex-out": "release-gates/accepted-risks.vex.json" });
    await run();
    const vex = JSON.parse(readFileSync(runner.outputs()["vex-path"] as string, "utf8"));
    expect(vex.vulnerabilities.map((vulnerability: { id: string }) => vulnerability.id)).toEqual(["GHSA-8cf7-32gw-wr33"]);
    // Still failing: the high findings below failOn critical need acceptance too; the mediums are accepted.
    const report = JSON.parse(readFileSync(join(workspace, "release-gates/security-report.json"), "utf8"));
    const decisions = report.predicate.findings.map((finding: { properties: { decision: string } }) => finding.properties.decision);
    expect(decisions.filter((decision: string) => decision === "accepted")).toHaveLength(2);
    expect(report.predicate.environment).toBe("staging");
  });

  it("checks licenses when the policy lists them, next to the advisories", async () => {
    writeFileSync(join(workspace, "release-gates.yml"), "gates:\n  security:\n    licenses:\n      deny: [BSD-2-Clause]\n");
    inputs({});
    await run();
    const report = JSON.parse(readFileSync(join(workspace, "release-gates/security-report.json"), "utf8"));
    expect(report.predicate.checks.map((check: { id: string }) => check.id)).toContain("licenses.denied");
    expect(report.predicate.details.licenses).toEqual({ checked: 29, denied: 1, unknown: 6 });
  });

  it.each([
    [{ "fail-on": "severe" }, '::error::input fail-on: expected one of critical, high, medium, low, found "severe"'],
    [{ "only-fixable": "maybe" }, '::error::input only-fixable: expected true or false, found "maybe"'],
    [{ advisories: "" }, "::error::gates.security: expected something to check, found nothing"],
    [{ "risk-register": "missing.yml" }, "::error::missing.yml: expected a risk register (YAML), found no such file"],
  ])("bad input %j fails the step with one sentence", async (values, message) => {
    inputs(values);
    await run();
    expect(process.exitCode).toBe(1);
    expect(runner.stdout()).toContain(message);
  });
});
