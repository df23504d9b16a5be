import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { securityMarkdownSections } from "@release-gates/core/security";
import { fixture } from "@release-gates/test-helpers/fixtures";
import { createTestRepo, type TestRepo } from "@release-gates/test-helpers/git-repo";
import { afterEach, describe, expect, it } from "vitest";
import { runSecurityGate } from "../src/gates/security.js";

const SLITHER = fixture("security/sarif/brics-protocol.slither-0.11.3.sarif");
const TOB_REPORT = "%PDF-1.7 Trail of Bits, Vault review\n";
const OZ_REPORT = "%PDF-1.7 OpenZeppelin, Vault and Token review\n";
const digest = (text: string) => createHash("sha256").update(text).digest("hex");

let repo: TestRepo;
const cleanups: (() => void)[] = [];
afterEach(() => {
  repo?.remove();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const gate = (cwd: string, overrides: Parameters<typeof runSecurityGate>[0]["overrides"], environment?: string) =>
  runSecurityGate({ cwd, overrides, environment, clock: () => new Date("2026-11-26T10:00:00Z") });

function manifest(commit: string, ozReport = "audits/oz.pdf"): string {
  return [
    "audits:",
    "  - firm: Trail of Bits",
    "    date: 2026-09-14",
    `    commit: "${commit}"`,
    "    scope: [Vault, Token]",
    "    report: audits/tob.pdf",
    `    sha256: ${digest(TOB_REPORT)}`,
    "  - firm: OpenZeppelin",
    "    date: 2026-10-02",
    `    commit: "${commit.slice(0, 10)}"`,
    '    scope: ["contracts/**"]',
    `    report: ${ozReport}`,
    `    sha256: ${digest(OZ_REPORT)}`,
    "    findings:",
    "      - id: OZ-M-01",
    "        severity: medium",
    "        status: acknowledged",
    "        reason: rounding favours the vault",
  ].join("\n");
}

/** Two contracts audited by two firms at one commit; Token.sol then changes, Vault.sol does not. */
function auditedRepository(): { audited: string } {
  repo = createTestRepo({
    "contracts/Vault.sol": "pragma solidity ^0.8.20;\ncontract Vault {}\n",
    "contracts/Token.sol": "pragma solidity ^0.8.20;\ncontract Token {}\n",
    "audits/tob.pdf": TOB_REPORT,
    "audits/oz.pdf": OZ_REPORT,
  });
  const audited = repo.commit("contracts as audited");
  repo.write({ "contracts/Token.sol": "pragma solidity ^0.8.20;\ncontract Token { uint256 public cap; }\n", "audits/audits.yml": manifest(audited) });
  repo.commit("token cap, after the audits");
  return { audited };
}

describe("audit evidence on a real git repository", () => {
  it("a contract changed since the audited commit has lost both audits; the unchanged one keeps them", async () => {
    const { audited } = auditedRepository();
    const { report } = await gate(repo.dir, { audits: { manifest: "audits/audits.yml" } as never });
    expect(report.predicate.status).toBe("fail");
    expect(report.predicate.checks.map((check) => [check.id, check.status])).toEqual([
      ["audits.firms", "fail"],
      ["audits.reports", "pass"],
      ["audits.findings", "pass"],
    ]);
    expect(report.predicate.findings.filter((finding) => finding.severity === "error").map((finding) => finding.message)).toEqual([
      `contracts/Token.sol: 0 of 2 independent audits cover it as it is now; Trail of Bits audited ${audited.slice(0, 7)} and the file changed since; OpenZeppelin audited ${audited.slice(0, 7)} and the file changed since.`,
    ]);
    expect(report.predicate.inputs.map((input) => input.format)).toEqual(["audit-manifest"]);
    expect(report.predicate.details).toMatchObject({ audits: { contracts: 2, underCovered: 1 } });
    expect(securityMarkdownSections(report).join("\n")).toContain(`| OpenZeppelin | 2026-10-02 | \`${audited.slice(0, 7)}\` | audits/oz.pdf | 0 | 1 | 0 |`);
  });

  it("a new contract file is not covered by an earlier audit's glob, and a missing report file fails", async () => {
    const { audited } = auditedRepository();
    repo.write({ "contracts/Token.sol": "pragma solidity ^0.8.20;\ncontract Token {}\n", "audits/audits.yml": manifest(audited, "audits/oz-final.pdf") });
    repo.commit("revert the cap, point at a report that was never committed");
    repo.write({ "contracts/Bridge.sol": "contract Bridge {}\n" });
    repo.git("add", "contracts/Bridge.sol");
    const { report } = await gate(repo.dir, { audits: { manifest: "audits/audits.yml" } as never });
    const errors = report.predicate.findings.filter((finding) => finding.severity === "error").map((finding) => finding.message);
    expect(errors).toEqual([
      expect.stringMatching(
        /^contracts\/Bridge\.sol: 0 of 2 independent audits cover it as it is now; OpenZeppelin audited [0-9a-f]{7} and the file changed since\.$/,
      ),
      "audits/oz-final.pdf, the report of the audit by OpenZeppelin (2026-10-02), does not exist in the repository: publish it there (audits/audits.yml lists it).",
    ]);
  });

  it("a shallow clone without the audited commit fails closed and says how to fetch it", async () => {
    auditedRepository();
    const shallow = mkdtempSync(join(tmpdir(), "rg-shallow-"));
    cleanups.push(() => rmSync(shallow, { recursive: true, force: true }));
    execFileSync("git", ["clone", "-q", "--depth", "1", `file://${repo.dir}`, shallow]);
    const { report } = await gate(shallow, { audits: { manifest: "audits/audits.yml" } as never });
    expect(report.predicate.checks.find((check) => check.id === "audits.firms")).toMatchObject({ status: "fail", measured: 2 });
    expect(report.predicate.checks.find((check) => check.id === "audits.firms")?.message).toContain("fetch-depth: 0");
  });

  it("environments ask for a pen test and a checklist; Slither's medium results need acknowledging", async () => {
    const { audited } = auditedRepository();
    repo.write({
      "contracts/Token.sol": "pragma solidity ^0.8.20;\ncontract Token {}\n",
      "audits/pentest.pdf": "%PDF pentest\n",
      "audits/audits.yml": [
        manifest(audited),
        "penTests:",
        "  - firm: NCC Group",
        "    date: 2026-10-20",
        "    scope: staging API",
        "    environments: [staging, mainnet]",
        "    report: audits/pentest.pdf",
        `    sha256: ${digest("%PDF pentest\n")}`,
        "acknowledged:",
        "  - rule: divide-before-multiply",
        "    reason: fixed-point maths, reviewed by both firms",
      ].join("\n"),
      "security/mainnet-checklist.md": "- [x] Keys rotated\n- [ ] Runbook rehearsed\n",
      "slither.sarif": SLITHER,
      "release-gates.yml": [
        "gates:",
        "  security:",
        "    audits: {}",
        "    staticAnalysis: [slither.sarif]",
        "environments:",
        "  - name: mainnet",
        "    gates:",
        "      security:",
        "        audits: { requirePenTest: true, penTestMaxAge: 90d }",
        "        checklists: [security/mainnet-checklist.md]",
      ].join("\n"),
    });
    repo.commit("evidence");
    const { report } = await gate(repo.dir, {}, "mainnet");
    expect(report.predicate.checks.map((check) => [check.id, check.status])).toEqual([
      ["audits.firms", "pass"],
      ["audits.reports", "pass"],
      ["audits.findings", "pass"],
      ["pen-test", "pass"],
      ["static-analysis", "fail"],
      ["checklist", "fail"],
    ]);
    // The 5 divide-before-multiply results are acknowledged; the 3 uninitialized-local ones (medium) are not.
    expect(report.predicate.checks.find((check) => check.id === "static-analysis")?.measured).toBe(3);
    expect(report.predicate.findings.find((finding) => finding.id === "checklist-unticked")?.message).toBe(
      'security/mainnet-checklist.md:2: "Runbook rehearsed" is not ticked.',
    );
    // Without the environment, neither the pen test nor the checklist is asked for.
    const { report: plain } = await gate(repo.dir, {});
    expect(plain.predicate.checks.map((check) => check.id)).toEqual(["audits.firms", "audits.reports", "audits.findings", "static-analysis"]);
  });
});
