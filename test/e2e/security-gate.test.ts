import { createHash } from "node:crypto";
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fixturePath } from "@release-gates/test-helpers/fixtures";
import { createTestRepo, type TestRepo } from "@release-gates/test-helpers/git-repo";
import { skipWithout } from "@release-gates/test-helpers/machine-tools";
import { expectValidReport } from "@release-gates/test-helpers/report-contract";
import { pythonZip } from "@release-gates/test-helpers/zip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import {
  asGitLabProject,
  COMPONENT_PROJECT,
  COMPONENT_VERSION,
  jobLog,
  node24,
  requireReleaseTree,
  requireTestTools,
  runBundledAction,
  runGitLabPipeline,
  runReleaseCli,
} from "./support.js";

/**
 * The security gate as users get it: the action bundle, the CLI bundle and
 * the GitLab component from the release tree, on a real lock file (audit-demo,
 * resolved from the npm registry), real GitHub advisories in OSV form and a
 * real `npm audit --json` output from the corpus.
 */
const corpus = (path: string) => fixturePath(`security/${path}`);
// Assembled at run time: this file holds no whole secret.
const TOKEN = ["ghp_", "R8s2Kq9LmZx4Tv7Wn1Pb6Yc3Hd5Jf0GaE2uQ"].join("");
let repo: TestRepo;

beforeAll(() => {
  requireReleaseTree();
  requireTestTools();
  repo = createTestRepo({});
  cpSync(corpus("generated/audit-demo/package.json"), join(repo.dir, "package.json"));
  cpSync(corpus("generated/audit-demo/package-lock.json"), join(repo.dir, "package-lock.json"));
  cpSync(corpus("generated/audit-demo/bom.cdx.json"), join(repo.dir, "bom.cdx.json"));
  cpSync(corpus("sbom/cra-sbom-demo.trivy-0.71.2.empty.spdx.json"), join(repo.dir, "empty.spdx.json"));
  cpSync(corpus("advisories"), join(repo.dir, "osv"), { recursive: true });
  cpSync(corpus("audit/juice-shop.npm-audit.v2.json"), join(repo.dir, "juice-shop-audit.json"));
  const files = Object.fromEntries(readdirSync(corpus("advisories")).map((name) => [`npm/${name}`, readFileSync(corpus(`advisories/${name}`), "utf8")]));
  writeFileSync(join(repo.dir, "osv-npm.zip"), pythonZip(files, { deflate: true }));
  writeFileSync(
    join(repo.dir, "security-risks.yml"),
    stringify({
      risks: [
        { advisory: "CVE-2022-23539", package: "jsonwebtoken", versions: "<1", reason: "we only verify our own tokens", owner: "alice", expires: "2026-01-31" },
      ],
    }),
  );
  writeFileSync(
    join(repo.dir, "release-gates.yml"),
    stringify({ version: 1, gates: { security: { advisories: "osv" } }, environments: [{ name: "staging", gates: { security: { failOn: "critical" } } }] }),
  );
  writeFileSync(join(repo.dir, "deploy.env"), `REGION=eu-west-1\nGH_TOKEN=${TOKEN}\n`);
  writeFileSync(join(repo.dir, "no-dependencies.yml"), "version: 1\n");
  writeFileSync(join(repo.dir, "licenses.yml"), stringify({ gates: { security: { licenses: { allow: ["MIT", "ISC"], onUnknown: "fail" } } } }));
  repo.commit("a project with vulnerable dependencies and a committed token");
  addAuditEvidence();
});

/** A contract audited by two firms at one commit, their published reports, Slither's SARIF, a release checklist. */
function addAuditEvidence(): void {
  repo.write({
    "contracts/Vault.sol": "pragma solidity ^0.8.20;\ncontract Vault {}\n",
    "audits/tob.pdf": "%PDF Trail of Bits\n",
    "audits/oz.pdf": "%PDF OpenZeppelin\n",
    "security/release-checklist.md": "- [x] Deploy keys rotated\n- [ ] Incident runbook rehearsed\n",
  });
  cpSync(corpus("sarif/brics-protocol.slither-0.11.3.sarif"), join(repo.dir, "slither.sarif"));
  const audited = repo.commit("the contract as audited");
  const audit = (firm: string, report: string) => ({
    firm,
    date: "2026-10-01",
    commit: audited,
    scope: ["Vault"],
    report,
    sha256: createHash("sha256")
      .update(readFileSync(join(repo.dir, report)))
      .digest("hex"),
  });
  writeFileSync(
    join(repo.dir, "audits/audits.yml"),
    stringify({
      audits: [audit("Trail of Bits", "audits/tob.pdf"), audit("OpenZeppelin", "audits/oz.pdf")],
      acknowledged: [
        { rule: "divide-before-multiply", reason: "fixed-point maths, reviewed by both firms" },
        { rule: "uninitialized-local", reason: "zero is the intended start value" },
      ],
    }),
  );
  writeFileSync(join(repo.dir, "audits/broken.yml"), stringify({ audits: [{ ...audit("Solo", "audits/oz.pdf"), sha256: "abc" }] }));
  writeFileSync(
    join(repo.dir, "audits/unpublished.yml"),
    stringify({ audits: [audit("Trail of Bits", "audits/tob.pdf"), { ...audit("Solo", "audits/oz.pdf"), report: "audits/solo.pdf" }] }),
  );
  repo.commit("audit manifest");
}
afterAll(() => repo?.remove());

/** The bundled action on a push to the test repository, under the machine's Node. */
const onPush = (inputs: Record<string, string>) =>
  runBundledAction("security-gate", { node: process.execPath, workspace: repo.dir, eventName: "push", event: {}, inputs });

describe("security-gate action bundle", () => {
  for (const [label, node] of [
    ["Node 20", process.execPath],
    ["Node 24", node24],
  ] as const) {
    it(`fails on the generated SBOM's critical and high findings: outputs, summary and report (${label})`, async () => {
      const result = await runBundledAction("security-gate", { node, workspace: repo.dir, eventName: "push", event: {}, inputs: { comment: "false" } });
      expect(result.code, result.stdout).toBe(1);
      // No SBOM given: one is generated from package.json and the lock file with @cyclonedx/cyclonedx-npm.
      expect(result.outputs).toMatchObject({ status: "fail", blocking: "12", vulnerable: "8", "sbom-path": join(repo.dir, "release-gates/sbom.cdx.json") });
      expect(result.summary).toMatch(/^## ❌ security-gate: fail/);
      expect(result.summary).toContain(
        "| ➖ out of scope | `minimist` | 0.0.8 | [GHSA-xvch-5gv4-984h](https://osv.dev/vulnerability/GHSA-xvch-5gv4-984h) | critical 9.8 | 0.2.4 | development |",
      );
      const report = expectValidReport(JSON.parse(readFileSync(join(repo.dir, "release-gates/security-report.json"), "utf8")));
      expect(report.subject[0]?.digest.gitCommit).toMatch(/^[0-9a-f]{40}$/);
    });
  }

  it("a secrets scan finds the committed token: file and line in the annotation, never the token itself", async () => {
    const result = await onPush({ comment: "false", advisories: "", secrets: "true", policy: "no-dependencies.yml" });
    expect(result.code).toBe(1);
    expect(result.outputs).toMatchObject({ status: "fail", secrets: "1", blocking: "1", vulnerable: "" });
    expect(result.stdout).toContain("::error title=Security gate,file=deploy.env,line=2::deploy.env:2: GitHub token ghp_…[40 chars]");
    for (const output of [result.stdout, result.summary, readFileSync(join(repo.dir, "release-gates/security-report.json"), "utf8")])
      expect(output).not.toContain(TOKEN);
  });

  it("audit evidence, Slither's SARIF and a checklist: the unticked item fails, the audits table is in the summary", async () => {
    const result = await onPush({
      comment: "false",
      policy: "no-dependencies.yml",
      audits: "audits/audits.yml",
      "static-analysis": "slither.sarif",
      checklist: "security/release-checklist.md",
    });
    expect(result.code, result.stdout).toBe(1);
    expect(result.outputs).toMatchObject({ status: "fail", blocking: "1" });
    expect(result.summary).toContain("| ✅ pass | `audits.firms` | 0 | ≤ 0 |");
    expect(result.summary).toContain("| ✅ pass | `static-analysis` | 0 | ≤ 0 |");
    expect(result.summary).toMatch(/\| Trail of Bits \| 2026-10-01 \| `[0-9a-f]{7}` \| audits\/tob\.pdf \| 0 \| 0 \| 0 \|/);
    // Slither's 40 results: 8 medium, all acknowledged in the manifest, and 32 low.
    expect(result.summary).toContain("| 40 | 0 | 0 | 8 | 32 | 0 | 8 | 0 |");
    expect(result.stdout).toContain(
      '::error title=Security gate,file=security/release-checklist.md,line=2::security/release-checklist.md:2: "Incident runbook rehearsed" is not ticked.',
    );
  });

  it("an expired accepted risk fails naming its owner", async () => {
    const result = await onPush({ comment: "false", environment: "staging", "risk-register": "security-risks.yml" });
    expect(result.code).toBe(1);
    expect(result.summary).toContain(
      "| ❌ acceptance expired | `jsonwebtoken` | 0.4.0 | [GHSA-8cf7-32gw-wr33](https://osv.dev/vulnerability/GHSA-8cf7-32gw-wr33) | medium | 9.0.0 | runtime |",
    );
    expect(result.summary).toContain("its accepted risk (owner alice) expired on 2026-01-31");
  });
});

describe("release-gates security CLI bundle", () => {
  const cli = (args: string[]) => runReleaseCli(["security", ...args], { cwd: repo.dir });

  it("reads an OSV zip and the SBOM; the report pins the snapshot's digest and carries id, package and version", async () => {
    const result = await cli([
      "--sbom",
      "bom.cdx.json",
      "--advisories",
      "osv-npm.zip",
      "--fail-on",
      "critical",
      "--accept-from",
      "critical",
      "--format",
      "json",
      "--sarif-out",
      "release-gates/security.sarif",
    ]);
    expect(result.code, result.stderr).toBe(1);
    const report = expectValidReport(JSON.parse(result.stdout));
    expect(report.predicate.inputs.map((input) => input.format)).toEqual(["cyclonedx 1.6", "osv-zip (14 advisories)"]);
    expect(report.predicate.findings.find((finding) => finding.id === "GHSA-jf85-cpcp-j695")?.properties).toMatchObject({
      package: "lodash",
      version: "2.4.2",
      decision: "blocking",
    });
    const sarif = JSON.parse(readFileSync(join(repo.dir, "release-gates/security.sarif"), "utf8"));
    expect(sarif.runs[0].results.filter((result: { level: string }) => result.level === "error")).toHaveLength(4);
  });

  it("npm audit output next to the OSV snapshot: versions from the generated SBOM, one finding per advisory and package", async () => {
    const result = await cli(["--npm-audit", "juice-shop-audit.json", "--policy", "missing-is-fine.yml"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("release-gates security: missing-is-fine.yml: expected a readable policy file, found no such file\n");
    const audit = await cli(["--npm-audit", "juice-shop-audit.json", "--format", "json"]);
    expect(audit.code).toBe(1);
    const report = expectValidReport(JSON.parse(audit.stdout));
    expect(report.predicate.inputs.map((input) => input.format)).toEqual([
      "cyclonedx 1.6 (generated by @cyclonedx/cyclonedx-npm@6.0.1)",
      "osv-directory (14 advisories)",
      "npm-audit-v2",
    ]);
    // Both sources know GHSA-c7hr for jsonwebtoken 0.4.0: it is reported once, with the OSV aliases.
    const jwt = report.predicate.findings.filter((finding) => finding.id === "GHSA-c7hr-j4mj-j2w6" && finding.properties?.version === "0.4.0");
    expect(jwt).toHaveLength(1);
    expect(jwt[0]?.properties?.aliases).toEqual(["CVE-2015-9235"]);
    // Only npm audit knows GHSA-qwph (jsonwebtoken <9.0.0, medium); its version comes from the SBOM's npm path.
    expect(report.predicate.findings.find((finding) => finding.id === "GHSA-qwph-4952-7xr6" && finding.properties?.version === "0.4.0")).toBeDefined();
  });

  it("--secrets with --summary-out: the console, the summary and the report name the place and never the token", async () => {
    const result = await cli(["--secrets", "--summary-out", "release-gates/secrets.md", "--policy", "no-dependencies.yml"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL +secrets\.found +1 /);
    expect(result.stdout).toContain("✗ deploy.env:2: GitHub token ghp_…[40 chars]; remove it, rotate the credential");
    for (const output of [
      result.stdout,
      result.stderr,
      readFileSync(join(repo.dir, "release-gates/secrets.md"), "utf8"),
      readFileSync(join(repo.dir, "release-gates/security-report.json"), "utf8"),
    ])
      expect(output).not.toContain(TOKEN);
  });

  it("licenses from the policy alone: the lock file's BSD package is denied, six packages declare none", async () => {
    // Counted in the lock file by hand: 29 runtime packages, 21 MIT, 1 ISC, 1 BSD-2-Clause (domelementtype), 6 without a license.
    const result = await cli(["--policy", "licenses.yml"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL +licenses\.denied +1 /);
    expect(result.stdout).toMatch(/FAIL +licenses\.unknown +6 /);
    expect(result.stdout).toMatch(/✗ domelementtype@[\d.]+ is licensed BSD-2-Clause, which the policy does not allow \(allowed: MIT, ISC\)\./);
  });

  it("--audits: a report that was never committed fails the gate, naming the file and the firm", async () => {
    const result = await cli(["--policy", "no-dependencies.yml", "--audits", "audits/unpublished.yml"]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/FAIL +audits\.reports +1 /);
    expect(result.stdout).toContain(
      "✗ audits/solo.pdf, the report of the audit by Solo (2026-10-01), does not exist in the repository: publish it there (audits/unpublished.yml lists it).",
    );
    const passing = await cli(["--policy", "no-dependencies.yml", "--audits", "audits/audits.yml", "--static-analysis", "slither.sarif"]);
    expect(passing.code, passing.stdout).toBe(0);
    expect(passing.stdout).toMatch(/PASS +audits\.firms +0 /);
  });

  it("an empty SBOM is no evidence: the gate fails instead of passing", async () => {
    const result = await cli(["--sbom", "empty.spdx.json"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/NO DATA \(fail\) +dependencies\.inventory/);
  });

  it.each([
    [
      ["--sbom", "package.json"],
      /^release-gates security: package\.json: CycloneDX|^release-gates security: package\.json: expected a CycloneDX \("bomFormat": "CycloneDX"\) or SPDX/,
    ],
    [["--fail-on", "severe"], /^release-gates security: --fail-on: expected one of critical, high, medium, low, found "severe"\n$/],
    [["--advisories", "nowhere"], /^release-gates security: nowhere: expected a directory or a zip of OSV advisories, found no such file\n$/],
    [
      ["--audits", "audits/broken.yml"],
      /^release-gates security: audits\/broken\.yml, line \d+: audits\[0\]\.sha256: expected a sha256 digest \(64 hex digits\), found string "abc"\n$/,
    ],
    [
      ["--static-analysis", "package.json"],
      /^release-gates security: package\.json: expected a SARIF 2\.1\.0 log: version: expected "2\.1\.0", found string "1\.0\.0" \(and 1 more problem\)\n$/,
    ],
  ])("bad input %j: exit 2 and one sentence", async (args, message) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});

describe.skipIf(skipWithout("rsync"))("security-gate GitLab component", () => {
  it("runs through gitlab-ci-local and keeps the report and summary as artifacts", async () => {
    const { cliPackage } = await asGitLabProject(repo);
    repo.write({
      ".gitignore": ".gitlab-ci-local/\n.pack/\nrelease-gates/\n",
      ".gitlab-ci.yml": stringify({
        stages: ["test"],
        include: [
          {
            component: `${COMPONENT_PROJECT}/security-gate@${COMPONENT_VERSION}`,
            inputs: {
              "cli-package": cliPackage,
              "fail-on": "critical",
              "accept-from": "critical",
              "only-fixable": true,
              scope: "runtime development",
              secrets: true,
              audits: "audits/audits.yml",
              "static-analysis": "slither.sarif",
              checklist: "security/release-checklist.md",
            },
          },
        ],
      }),
    });
    repo.commit("pipeline");
    const result = await runGitLabPipeline(repo);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const log = jobLog(repo, "security-gate");
    expect(log).toMatch(/^FAIL +dependencies\.blocking +4 /m);
    expect(log).toMatch(/^FAIL +secrets\.found +1 /m);
    expect(log).toMatch(/^PASS +audits\.firms +0 /m);
    expect(log).toMatch(/^PASS +static-analysis +0 /m);
    expect(log).toMatch(/^FAIL +checklist +1 /m);
    expect(log).not.toContain(TOKEN);
    const artifacts = join(repo.dir, ".gitlab-ci-local/artifacts/security-gate/release-gates");
    const report = expectValidReport(JSON.parse(readFileSync(join(artifacts, "security-report.json"), "utf8")));
    // --only-fixable took effect: marsdb has no fix and is set aside.
    expect(report.predicate.findings.find((finding) => finding.id === "GHSA-5mrr-rgp6-x4gr")?.properties).toMatchObject({ decision: "no-fix-yet" });
    expect(readFileSync(join(artifacts, "security-summary.md"), "utf8")).toContain("Vulnerable dependencies (");
    expect(JSON.parse(readFileSync(join(artifacts, "security.sarif"), "utf8")).version).toBe("2.1.0");
    // GitLab's own report formats, as the component declares them under artifacts:reports; the generated SBOM is the cyclonedx one.
    expect(JSON.parse(readFileSync(join(artifacts, "sbom.cdx.json"), "utf8")).components).toHaveLength(28);
    const dependencyScanning = JSON.parse(readFileSync(join(artifacts, "gl-dependency-scanning-report.json"), "utf8"));
    expect(dependencyScanning.scan).toMatchObject({ type: "dependency_scanning", status: "success" });
    expect(dependencyScanning.vulnerabilities).toHaveLength(13);
    const secretDetection = readFileSync(join(artifacts, "gl-secret-detection-report.json"), "utf8");
    expect(JSON.parse(secretDetection).vulnerabilities).toEqual([
      expect.objectContaining({ location: expect.objectContaining({ file: "deploy.env", start_line: 2 }), severity: "Critical" }),
    ]);
    expect(secretDetection).not.toContain(TOKEN);
    // No register in this project: the VEX document is published, and empty.
    expect(JSON.parse(readFileSync(join(artifacts, "accepted-risks.vex.json"), "utf8"))).toMatchObject({ bomFormat: "CycloneDX", vulnerabilities: [] });
  });
});
