import { createHash } from "node:crypto";
import { fixture } from "@release-gates/test-helpers/fixtures";
import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../src/errors.js";
import { type Audit, type AuditInput, type AuditManifest, declaredContracts, evaluateAudits, type PenTest, readAuditManifest } from "../src/security/audits.js";
import { evaluateChecklists, parseChecklist } from "../src/security/checklist.js";
import { SecuritySettings } from "../src/security/settings.js";
import { evaluateStaticAnalysis, parseSarifResults } from "../src/security/static-analysis.js";

const settings = (overrides: Record<string, unknown> = {}) => {
  const audits = SecuritySettings.parse({ audits: overrides }).audits;
  if (!audits) throw new Error("audits settings expected");
  return audits;
};
const digestOf = (text: string) => createHash("sha256").update(text).digest("hex");
/** The stand-in digests the OpenZeppelin fixture records: sha256 of each report's file name. */
const publishedAsRecorded = (manifest: AuditManifest) => new Map(manifest.audits.map((audit) => [audit.report, digestOf(audit.report)]));

const ozManifestAsRead = await readAuditManifest(fixture("security/audits/openzeppelin-contracts.audits.yml"), "audits/audits.yml");
/** A copy each time: tests change theirs. */
const ozManifest = (): AuditManifest => structuredClone(ozManifestAsRead);

const SAFE_ERC20 = { path: "contracts/token/ERC20/utils/SafeERC20.sol", names: ["SafeERC20"] };
const ERC4626 = { path: "contracts/token/ERC20/extensions/ERC4626.sol", names: ["ERC4626"] };

function ozInput(overrides: Partial<AuditInput> = {}): AuditInput {
  const manifest = ozManifest();
  return {
    manifest,
    source: "audits/audits.yml",
    settings: settings(),
    contracts: [SAFE_ERC20, ERC4626],
    // What the repository's history says: everything changed since 2018 and 2017; ERC4626 since 2022 and since July 2025.
    changes: new Map([
      ["f5edfc0", { changed: new Set<string>() }],
      ["f6fea85", { changed: new Set([ERC4626.path]) }],
      ["14f98db", { changed: new Set([ERC4626.path, SAFE_ERC20.path]) }],
      ["dac5bcc", { changed: new Set([ERC4626.path, SAFE_ERC20.path]) }],
      ["9c5975a", { changed: new Set([ERC4626.path, SAFE_ERC20.path]) }],
    ]),
    digests: publishedAsRecorded(manifest),
    environment: undefined,
    now: new Date("2026-11-26T00:00:00Z"),
    ...overrides,
  };
}

describe("the audit manifest", () => {
  it("reads OpenZeppelin's real audit history (its README reshaped as a manifest)", () => {
    const manifest = ozManifest();
    expect(manifest.audits.map((audit) => `${audit.firm} ${audit.date} ${audit.commit}`)).toEqual([
      "OpenZeppelin 2025-10-01 f5edfc0",
      "OpenZeppelin 2025-07-01 f6fea85",
      "OpenZeppelin 2022-10-01 14f98db",
      "LevelK 2018-10-01 dac5bcc",
      "New Alchemy 2017-03-01 9c5975a",
    ]);
    expect(manifest.audits[0]?.scope).toEqual(["SafeERC20", "ECDSA", "SignatureChecker"]);
  });

  it("names the file, the line and the entry when an acknowledged finding has no reason", async () => {
    const text = [
      "audits:",
      "  - firm: Trail of Bits",
      "    date: 2026-09-14",
      "    commit: 3f2a1b0",
      "    scope: [Vault]",
      "    report: audits/tob.pdf",
      `    sha256: ${"a".repeat(64)}`,
      "    findings:",
      "      - id: TOB-1",
      "        severity: medium",
      "        status: acknowledged",
    ].join("\n");
    await expect(readAuditManifest(text, "audits/audits.yml")).rejects.toThrow(
      "audits/audits.yml, line 9: audits[0].findings[0].reason: expected a reason for an acknowledged finding, found nothing",
    );
  });

  it("refuses a digest that is not sha256 and a commit that is not a commit id", async () => {
    const entry = (commit: string, digest: string) =>
      `audits:\n  - firm: A\n    date: 2026-01-01\n    commit: ${commit}\n    scope: [X]\n    report: r.pdf\n    sha256: ${digest}\n`;
    await expect(readAuditManifest(entry("main", "a".repeat(64)), "m.yml")).rejects.toThrow(/line 4: audits\[0\]\.commit: expected a commit id/);
    await expect(readAuditManifest(entry("abcdef0", "abc"), "m.yml")).rejects.toThrow(/line 7: audits\[0\]\.sha256: expected a sha256 digest/);
    // Hashes YAML reads as numbers when unquoted: all digits, or digits with one "e".
    for (const commit of ["1234567890", "6e51234567"])
      await expect(readAuditManifest(entry(commit, "a".repeat(64)), "m.yml")).rejects.toThrow(
        /line 4: audits\[0\]\.commit: expected a commit id in quotes \(YAML reads a hash like 1234567 or 6e51234 as a number\)/,
      );
    expect((await readAuditManifest(entry('"1234567890"', "a".repeat(64)), "m.yml")).audits[0]?.commit).toBe("1234567890");
    await expect(readAuditManifest("audits:\n  - firm: A\n    auditor: B\n", "m.yml")).rejects.toThrow(ConfigurationError);
  });

  it("finds the contracts, libraries and interfaces a Solidity file declares", () => {
    const source = [
      "// SPDX-License-Identifier: MIT",
      "pragma solidity ^0.8.20;",
      "interface IVault { function deposit() external; }",
      "abstract contract VaultBase {}",
      "library SafeMath {}",
      "contract Vault is VaultBase, IVault {",
      '  string constant note = "contract Fake";',
      "}",
    ].join("\n");
    expect(declaredContracts(source)).toEqual(["IVault", "VaultBase", "SafeMath", "Vault"]);
  });
});

describe("independent audits of each contract as it is now", () => {
  it("OpenZeppelin's own history gives one firm per current contract, short of two", () => {
    // Worked out by hand from the README rows: SafeERC20 is named by the October 2025 audit (unchanged since)
    // and covered by July 2025's contracts/** (unchanged since) — both OpenZeppelin, one firm; LevelK and
    // New Alchemy audited commits from 2018 and 2017 that every current file differs from.
    // ERC4626 changed after July 2025 and was named only by OpenZeppelin's 2022 audit: no firm at all.
    const evaluation = evaluateAudits(ozInput());
    const firms = evaluation.checks.find((check) => check.id === "audits.firms");
    expect(firms).toMatchObject({ status: "fail", measured: 2 });
    const messages = evaluation.findings.filter((finding) => finding.id === "audit-coverage").map((finding) => finding.message);
    expect(messages).toEqual([
      "contracts/token/ERC20/utils/SafeERC20.sol: 1 of 2 independent audits cover it as it is now (OpenZeppelin at f5edfc0); LevelK audited dac5bcc and the file changed since; New Alchemy audited 9c5975a and the file changed since.",
      "contracts/token/ERC20/extensions/ERC4626.sol: 0 of 2 independent audits cover it as it is now; OpenZeppelin audited f6fea85 and the file changed since; OpenZeppelin audited 14f98db and the file changed since; LevelK audited dac5bcc and the file changed since; New Alchemy audited 9c5975a and the file changed since.",
    ]);
  });

  it("passes with one firm required for the unchanged contract, and counts a firm once however many audits it did", () => {
    const evaluation = evaluateAudits(ozInput({ settings: settings({ minFirms: 1 }), contracts: [SAFE_ERC20] }));
    expect(evaluation.checks.find((check) => check.id === "audits.firms")).toMatchObject({ status: "pass", measured: 0 });
  });

  it("scope entries name contracts, file names, paths, directories or globs", () => {
    const vault = { path: "contracts/vault/Vault.sol", names: ["Vault", "IVault"] };
    const covered = (scope: string[]) => {
      const manifest = { audits: [{ ...(ozManifest().audits[0] as Audit), firm: "A", commit: "f5edfc0", scope }], penTests: [], acknowledged: [] };
      const evaluation = evaluateAudits(ozInput({ manifest, contracts: [vault], settings: settings({ minFirms: 1 }), digests: publishedAsRecorded(manifest) }));
      return evaluation.checks.find((check) => check.id === "audits.firms")?.status === "pass";
    };
    for (const scope of [["IVault"], ["Vault.sol"], ["contracts/vault/Vault.sol"], ["contracts/vault"], ["contracts/vault/"], ["contracts/**/*.sol"]])
      expect(covered(scope), scope[0]).toBe(true);
    for (const scope of [["Token"], ["Token.sol"], ["contracts/token"], ["vault/Vault.sol"]]) expect(covered(scope), scope[0]).toBe(false);
  });

  it("two independent firms on unchanged code pass; firm names differing only in case and spacing are one firm", () => {
    const manifest = ozManifest();
    manifest.audits.push({ ...(manifest.audits[3] as (typeof manifest.audits)[number]), firm: "Trail of Bits", commit: "f5edfc0" });
    manifest.audits.push({ ...(manifest.audits[3] as (typeof manifest.audits)[number]), firm: " openzeppelin ", commit: "f5edfc0" });
    const evaluation = evaluateAudits(ozInput({ manifest, contracts: [SAFE_ERC20], digests: publishedAsRecorded(manifest) }));
    expect(evaluation.checks.find((check) => check.id === "audits.firms")).toMatchObject({ status: "pass" });
  });

  it("says when an audited commit is missing from a shallow clone, and how to fetch it", () => {
    const changes = new Map(ozInput().changes);
    changes.set("f5edfc0", "missing");
    changes.set("f6fea85", "missing");
    const evaluation = evaluateAudits(ozInput({ changes, contracts: [SAFE_ERC20] }));
    expect(evaluation.findings.find((finding) => finding.id === "audit-coverage")?.message).toContain(
      "OpenZeppelin's audited commit f5edfc0 is not in this clone",
    );
    expect(evaluation.checks.find((check) => check.id === "audits.firms")?.message).toContain("fetch-depth: 0");
  });

  it("no contract file at all is no data, failing: the globs are probably wrong", () => {
    const evaluation = evaluateAudits(ozInput({ contracts: [] }));
    expect(evaluation.checks.find((check) => check.id === "audits.firms")).toMatchObject({ status: "no-data", onNoData: "fail" });
    expect(evaluateAudits(ozInput({ contracts: [], settings: settings({ minFirms: 0 }) })).checks.map((check) => check.id)).not.toContain("audits.firms");
  });
});

describe("published reports and audit findings", () => {
  it("a missing report and one whose digest differs each fail with a sentence naming the firm", () => {
    const manifest = ozManifest();
    const digests = new Map<string, string | undefined>(publishedAsRecorded(manifest));
    digests.set("audits/2018-10.pdf", undefined);
    digests.set("audits/2017-03.md", digestOf("edited afterwards"));
    const evaluation = evaluateAudits(ozInput({ digests }));
    expect(evaluation.checks.find((check) => check.id === "audits.reports")).toMatchObject({ status: "fail", measured: 2 });
    expect(evaluation.findings.find((finding) => finding.id === "audit-report-missing")?.message).toBe(
      "audits/2018-10.pdf, the report of the audit by LevelK (2018-10-01), does not exist in the repository: publish it there (audits/audits.yml lists it).",
    );
    expect(evaluation.findings.find((finding) => finding.id === "audit-report-digest")?.message).toMatch(
      /^audits\/2017-03\.md, the report of the audit by New Alchemy \(2017-03-01\), has sha256 [0-9a-f]{12}…, but audits\/audits\.yml records c3e1dcc6e072…/,
    );
  });

  it("open critical and high block, medium needs a fix or a reason, acknowledged high stays visible", () => {
    const manifest = ozManifest();
    const first = manifest.audits[0] as (typeof manifest.audits)[number];
    first.findings = [
      { id: "OZ-C-01", severity: "critical", status: "fixed" },
      { id: "OZ-H-01", title: "Reentrancy in withdraw", severity: "high", status: "open" },
      { id: "OZ-H-02", severity: "high", status: "acknowledged", reason: "only the owner can call it" },
      { id: "OZ-M-01", severity: "medium", status: "open" },
      { id: "OZ-M-02", severity: "medium", status: "acknowledged", reason: "by design" },
      { id: "OZ-L-01", severity: "low", status: "open" },
    ];
    const evaluation = evaluateAudits(ozInput({ manifest }));
    expect(evaluation.checks.find((check) => check.id === "audits.findings")).toMatchObject({ status: "fail", measured: 2 });
    const bySeverity = Object.fromEntries(
      evaluation.findings.filter((finding) => finding.id.startsWith("OZ-")).map((finding) => [finding.id, finding.severity]),
    );
    expect(bySeverity).toEqual({ "OZ-H-01": "error", "OZ-H-02": "warning", "OZ-M-01": "error", "OZ-L-01": "notice" });
    expect(evaluation.findings.find((finding) => finding.id === "OZ-H-01")?.message).toBe(
      "The high finding OZ-H-01 (Reentrancy in withdraw) of the audit by OpenZeppelin (2025-10-01) is open: fix it.",
    );
    expect(evaluation.details.audits[0]).toMatchObject({ open: 3, acknowledged: 2, fixed: 1 });
  });
});

describe("penetration tests per environment", () => {
  const penTest = (date: string, environments?: string[]): PenTest => ({
    firm: "NCC Group",
    date,
    scope: "staging API and web app",
    report: `audits/pentest-${date}.pdf`,
    sha256: digestOf(`audits/pentest-${date}.pdf`),
    findings: [],
    ...(environments ? { environments } : {}),
  });
  const withPenTests = (tests: PenTest[], environment: string | undefined, maxAge = "180d") => {
    const manifest = { ...ozManifest(), penTests: tests };
    const digests = new Map([...publishedAsRecorded(manifest), ...tests.map((test) => [test.report, test.sha256] as const)]);
    return evaluateAudits(ozInput({ manifest, digests, environment, settings: settings({ minFirms: 0, requirePenTest: true, penTestMaxAge: maxAge }) }));
  };

  it("passes with a recent test covering the environment", () => {
    const evaluation = withPenTests([penTest("2026-08-01", ["staging", "mainnet"])], "mainnet");
    expect(evaluation.checks.find((check) => check.id === "pen-test")).toMatchObject({ status: "pass", measured: "2026-08-01" });
    expect(evaluation.details.penTest).toEqual({ firm: "NCC Group", date: "2026-08-01", report: "audits/pentest-2026-08-01.pdf" });
  });

  it("fails when the newest test is older than the policy allows, naming its age", () => {
    const evaluation = withPenTests([penTest("2026-01-10"), penTest("2025-06-01")], "mainnet");
    expect(evaluation.checks.find((check) => check.id === "pen-test")?.status).toBe("fail");
    expect(evaluation.findings.find((finding) => finding.id === "pen-test-stale")?.message).toBe(
      "The newest penetration test of the mainnet environment (NCC Group, 2026-01-10) is 320d old, more than the 180d the policy allows: test again.",
    );
  });

  it("fails when no test covers the environment", () => {
    const evaluation = withPenTests([penTest("2026-08-01", ["staging"])], "mainnet");
    expect(evaluation.findings.find((finding) => finding.id === "pen-test-missing")?.message).toContain("No penetration test of the mainnet environment");
  });

  it("an open high finding of the test fails it", () => {
    const test = { ...penTest("2026-08-01"), findings: [{ id: "NCC-3", severity: "high" as const, status: "open" as const }] };
    const evaluation = withPenTests([test], "staging");
    expect(evaluation.checks.find((check) => check.id === "pen-test")).toMatchObject({ status: "fail" });
    expect(evaluation.findings.find((finding) => finding.id === "NCC-3")?.message).toContain("of the penetration test by NCC Group (2026-08-01) is open");
  });
});

describe("static analysis from SARIF", () => {
  it("reads Slither's severity from its rules, not from the 'warning' level every result has", () => {
    const results = parseSarifResults(fixture("security/sarif/brics-protocol.slither-0.11.3.sarif"), "slither.sarif");
    // Counted independently (python: Counter of ruleId over runs[0].results): 5 divide-before-multiply and
    // 3 uninitialized-local, whose rules carry security-severity "4.0" (medium); 25 timestamp, 5 missing-zero-check,
    // 1 calls-loop and 1 shadowing-local at "3.0" (low).
    expect(results).toHaveLength(40);
    expect(results.filter((result) => result.severity === "medium")).toHaveLength(8);
    expect(results.filter((result) => result.severity === "low")).toHaveLength(32);
    expect(results[0]).toMatchObject({
      tool: "Slither",
      rule: "1-1-divide-before-multiply",
      path: "contracts/NAVOracleV3.sol",
      startLine: 222,
      endLine: 237,
      fingerprint: "0bdd6e8d6b534356b0f243f5d0fed3e715ecdd9306e16adf9724b7175ac6b5be",
    });
    const evaluation = evaluateStaticAnalysis(results, [], ["slither.sarif"]);
    expect(evaluation.checks[0]).toMatchObject({ id: "static-analysis", status: "fail", measured: 8 });
    expect(evaluation.findings.filter((finding) => finding.severity === "notice")).toHaveLength(32);
    expect(evaluation.findings[0]?.message).toBe(
      "contracts/NAVOracleV3.sol:222: Slither medium 1-1-divide-before-multiply: NAVOracleV3._degradedBase() (contracts/NAVOracleV3.sol#222-237) performs a multiplication on the result of a division: - hoursElapsed = (block.timestamp - lastKnownGoodTs) / 3600 (contracts/NAVOracleV3.sol#225) - growth = (lastKnownGoodNav * maxDailyGrowthBps * hoursElapsed) / (10000 * 24) (contrac… — fix it or acknowledge it with a reason",
    );
  });

  it("acknowledgements by rule (with or without Slither's prefix) and file lift medium results", () => {
    const results = parseSarifResults(fixture("security/sarif/brics-protocol.slither-0.11.3.sarif"), "slither.sarif");
    const uninitialized = results.filter((result) => result.rule === "1-1-uninitialized-local").map((result) => result.path);
    const evaluation = evaluateStaticAnalysis(
      results,
      [
        { rule: "divide-before-multiply", reason: "fixed-point maths, reviewed by the auditors" },
        ...[...new Set(uninitialized)].map((path) => ({ rule: "1-1-uninitialized-local", path, reason: "zero is the intended start value" })),
      ],
      ["slither.sarif"],
    );
    expect(evaluation.checks[0]).toMatchObject({ status: "pass", measured: 0 });
    expect(evaluation.details).toMatchObject({ results: 40, acknowledged: 8, blocking: 0 });
  });

  it("gitleaks' SARIF has no level and an undeclared rule: medium, as SARIF's default level 'warning' means", () => {
    const results = parseSarifResults(fixture("security/sarif/gitleaks.sarif_simple.sarif"), "gitleaks.sarif");
    expect(results.map((result) => [result.rule, result.severity, result.path])).toEqual([["test-rule", "medium", "auth.py"]]);
    // The snippet holds the secret: it must not reach a message.
    expect(JSON.stringify(evaluateStaticAnalysis(results, [], ["gitleaks.sarif"]))).not.toContain("a secret");
  });

  it("an accepted SARIF suppression acknowledges; SARIF that is no 2.1.0 log is one sentence", () => {
    const log = {
      version: "2.1.0",
      runs: [
        {
          tool: { driver: { name: "Semgrep", rules: [{ id: "r", properties: { "security-severity": "7.5" } }] } },
          results: [
            { ruleIndex: 0, message: { text: "tainted" }, suppressions: [{ kind: "external", status: "accepted", justification: "input is a constant" }] },
            { ruleId: "r", level: "error", message: { text: "tainted again" } },
          ],
        },
      ],
    };
    const evaluation = evaluateStaticAnalysis(parseSarifResults(JSON.stringify(log), "semgrep.sarif"), [], ["semgrep.sarif"]);
    expect(evaluation.findings.map((finding) => finding.severity)).toEqual(["warning", "error"]);
    expect(() => parseSarifResults(JSON.stringify({ version: "2.0.0", runs: [] }), "old.sarif")).toThrow(
      'old.sarif: expected a SARIF 2.1.0 log: version: expected "2.1.0", found string "2.0.0"',
    );
  });
});

describe("security checklists", () => {
  const checklist = [
    "# Mainnet release checklist",
    "",
    "- [x] Deploy keys rotated",
    "* [X] Multisig signers confirmed",
    "1. [ ] Incident runbook rehearsed",
    "",
    "```markdown",
    "- [ ] an example inside a code block is not an item",
    "```",
    "  - [ ] Bug bounty scope updated",
  ].join("\n");

  it("reads task-list items outside code blocks, with their lines", () => {
    expect(parseChecklist(checklist)).toEqual([
      { line: 3, text: "Deploy keys rotated", ticked: true },
      { line: 4, text: "Multisig signers confirmed", ticked: true },
      { line: 5, text: "Incident runbook rehearsed", ticked: false },
      { line: 10, text: "Bug bounty scope updated", ticked: false },
    ]);
  });

  it("fails on unticked items, a missing file and a file without items, each named", () => {
    const evaluation = evaluateChecklists([
      { path: "security/mainnet.md", text: checklist },
      { path: "security/gone.md", text: undefined },
      { path: "README.md", text: "# Nothing to tick\n" },
    ]);
    expect(evaluation.checks[0]).toMatchObject({ id: "checklist", status: "fail", measured: 4 });
    expect(evaluation.findings.map((finding) => finding.message)).toEqual([
      'security/mainnet.md:5: "Incident runbook rehearsed" is not ticked.',
      'security/mainnet.md:10: "Bug bounty scope updated" is not ticked.',
      "security/gone.md, a required security checklist, does not exist.",
      'README.md holds no checklist item: expected Markdown task-list lines such as "- [x] Deploy keys rotated".',
    ]);
    expect(evaluateChecklists([{ path: "c.md", text: "- [x] done\n" }]).checks[0]?.status).toBe("pass");
  });
});
