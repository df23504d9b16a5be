import { readdirSync } from "node:fs";
import { fixture, fixturePath } from "@release-gates/test-helpers/fixtures";
import { describe, expect, it } from "vitest";
import { buildReport } from "../src/report/build.js";
import { describeSnapshot, evaluateDependencies } from "../src/security/evaluate.js";
import { renderDependencyScanningReport, renderSecretDetectionReport } from "../src/security/gitlab.js";
import { matchAdvisories, parseOsvAdvisory } from "../src/security/osv.js";
import { renderSecuritySarif } from "../src/security/sarif.js";
import { parseSbom } from "../src/security/sbom.js";
import { evaluateSecrets, SECRET_RULES, scanForSecrets } from "../src/security/secrets.js";
import { SecuritySettings } from "../src/security/settings.js";

const advisories = readdirSync(fixturePath("security/advisories")).map((file) => parseOsvAdvisory(fixture(`security/advisories/${file}`), file));

async function auditDemoReport() {
  const { components } = parseSbom(fixture("security/generated/audit-demo/bom.cdx.json"));
  const evaluation = evaluateDependencies({
    settings: SecuritySettings.parse({}),
    inventory: components,
    inventorySource: "bom.cdx.json",
    match: await matchAdvisories(components, advisories),
    snapshot: describeSnapshot(advisories, "osv"),
    register: [],
    now: new Date("2026-11-26T00:00:00Z"),
  });
  const at = new Date("2026-11-26T00:00:00Z");
  return buildReport({
    gate: "security-gate",
    subject: [{ name: "audit-demo", digest: { gitCommit: "a".repeat(40) } }],
    checks: evaluation.checks,
    findings: evaluation.findings,
    details: evaluation.details as unknown as Record<string, unknown>,
    inputs: [],
    policy: {},
    startedAt: at,
    finishedAt: at,
  });
}

describe("SARIF 2.1.0 for GitHub code scanning", () => {
  it("one rule per advisory, one result per vulnerable version, levels from the gate's decision", async () => {
    const log = renderSecuritySarif(await auditDemoReport());
    const run = log.runs[0];
    expect(log.version).toBe("2.1.0");
    // 13 hits of 9 distinct advisories (GHSA-c7hr, GHSA-8cf7, GHSA-35jh and GHSA-p6mc each hit two versions).
    expect(run?.results).toHaveLength(13);
    expect(run?.tool.driver.rules?.map((rule) => rule.id)).toHaveLength(9);
    const rule = (id: string) => run?.tool.driver.rules?.find((candidate) => candidate.id === id);
    // No CVSS vector: the database's CRITICAL maps to 9.5; with a vector, its score.
    expect(rule("GHSA-c7hr-j4mj-j2w6")?.properties).toMatchObject({ "security-severity": "9.5", tags: ["security", "dependency", "CVE-2015-9235"] });
    expect(rule("GHSA-jf85-cpcp-j695")?.properties?.["security-severity"]).toBe("9.1");
    expect(rule("GHSA-c7hr-j4mj-j2w6")?.shortDescription?.text).toBe("Verification Bypass in jsonwebtoken");
    const levels = run?.results?.map((result) => `${result.ruleId} ${result.properties?.version} ${result.level}`);
    expect(levels).toContain("GHSA-xvch-5gv4-984h 0.0.8 note"); // the dev minimist, out of scope
    expect(levels).toContain("GHSA-c7hr-j4mj-j2w6 0.1.0 error");
    expect(run?.results?.[0]?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe("bom.cdx.json");
  });

  it("fingerprints are stable across runs and distinct per advisory, package and version", async () => {
    const fingerprints = (log: ReturnType<typeof renderSecuritySarif>) =>
      log.runs[0]?.results?.map((result) => result.partialFingerprints?.["releaseGatesDependency/v1"]);
    const first = fingerprints(renderSecuritySarif(await auditDemoReport()));
    expect(fingerprints(renderSecuritySarif(await auditDemoReport()))).toEqual(first);
    expect(new Set(first).size).toBe(13);
  });
});

describe("GitLab dependency_scanning and secret_detection reports", () => {
  // A real dependency-scanning report from the corpus (Trivy, schema 15.2.1): the envelope GitLab accepts.
  const real = JSON.parse(fixture("security/gitlab/diggsweden-reusable-ci.gl-dependency-scanning-report.v15.2.1.json"));
  const keys = (value: object) => Object.keys(value).sort();

  it("has the real report's envelope: version, scan (analyzer, scanner, type, times without zone, status), vulnerabilities", async () => {
    const report = renderDependencyScanningReport(await auditDemoReport());
    expect(keys(report)).toEqual(keys(real));
    expect(keys(report.scan)).toEqual(keys(real.scan));
    expect(keys(report.scan.analyzer)).toEqual(keys(real.scan.analyzer));
    expect(keys(report.scan.scanner)).toEqual(keys(real.scan.scanner));
    expect(report.version).toBe(real.version);
    expect(report.scan).toMatchObject({ type: "dependency_scanning", status: "success", start_time: "2026-11-26T00:00:00" });
    expect(report.scan.end_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(real.scan.start_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  });

  it("one vulnerability per advisory and package version, with identifiers, severity, solution and dependency location", async () => {
    const { vulnerabilities } = renderDependencyScanningReport(await auditDemoReport());
    // The same 13 (advisory, package@version) pairs the SBOM gives: every match, whatever the policy decided.
    expect(vulnerabilities).toHaveLength(13);
    expect(new Set(vulnerabilities.map((vulnerability) => vulnerability.id)).size).toBe(13);
    const jwt = vulnerabilities.find(
      (vulnerability) =>
        vulnerability.identifiers[0]?.value === "GHSA-c7hr-j4mj-j2w6" && (vulnerability.location.dependency as { version: string }).version === "0.4.0",
    );
    expect(jwt).toMatchObject({
      name: "Verification Bypass in jsonwebtoken",
      severity: "Critical",
      solution: "Upgrade jsonwebtoken to 4.2.2 or later.",
      identifiers: [
        { type: "ghsa", name: "GHSA-c7hr-j4mj-j2w6", value: "GHSA-c7hr-j4mj-j2w6", url: "https://github.com/advisories/GHSA-c7hr-j4mj-j2w6" },
        { type: "cve", name: "CVE-2015-9235", value: "CVE-2015-9235", url: "https://www.cve.org/CVERecord?id=CVE-2015-9235" },
      ],
      location: { file: "bom.cdx.json", dependency: { package: { name: "jsonwebtoken" }, version: "0.4.0" } },
    });
    expect(jwt?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // marsdb has no fix: no solution is invented.
    expect(vulnerabilities.find((vulnerability) => vulnerability.identifiers[0]?.value === "GHSA-5mrr-rgp6-x4gr")?.solution).toBeUndefined();
    expect(renderDependencyScanningReport(await auditDemoReport()).vulnerabilities.map((vulnerability) => vulnerability.id)).toEqual(
      vulnerabilities.map((vulnerability) => vulnerability.id),
    );
  });

  it("secret_detection carries file, line, rule and commit, and never the secret", async () => {
    const token = ["ghp_", "R8s2Kq9LmZx4Tv7Wn1Pb6Yc3Hd5Jf0GaE2uQ"].join("");
    const found = scanForSecrets("deploy.env", `REGION=eu\nGH_TOKEN=${token}\n`, SECRET_RULES);
    const evaluation = evaluateSecrets({ found, allowed: 0, baseline: new Set(), filesScanned: 1, skippedFiles: [] });
    const at = new Date("2026-11-26T10:00:00Z");
    const gateReport = buildReport({
      gate: "security-gate",
      subject: [{ name: "app", digest: { gitCommit: "b".repeat(40) } }],
      checks: evaluation.checks,
      findings: evaluation.findings,
      details: {},
      inputs: [],
      policy: {},
      startedAt: at,
      finishedAt: at,
    });
    const report = renderSecretDetectionReport(gateReport);
    expect(report.scan.type).toBe("secret_detection");
    expect(report.vulnerabilities).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: "GitHub token",
        description: expect.stringContaining("deploy.env:2: GitHub token ghp_…[40 chars]"),
        severity: "Critical",
        solution: "Remove the secret, rotate the credential, and load it from the environment or a secret store.",
        identifiers: [{ type: "release_gates_rule_id", name: "release-gates rule github-token", value: "github-token" }],
        location: { file: "deploy.env", start_line: 2, end_line: 2, commit: { sha: "b".repeat(40) } },
      },
    ]);
    expect(JSON.stringify(report)).not.toContain(token);
    // Dependency findings are not secrets, and the other way round.
    expect(renderSecretDetectionReport(await auditDemoReport()).vulnerabilities).toEqual([]);
    expect(renderDependencyScanningReport(gateReport).vulnerabilities).toEqual([]);
  });
});
