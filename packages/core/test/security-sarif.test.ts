import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SecuritySettings } from "../src/policy/schema.js";
import { buildReport } from "../src/report/build.js";
import { describeSnapshot, evaluateDependencies } from "../src/security/evaluate.js";
import { matchAdvisories, parseOsvAdvisory } from "../src/security/osv.js";
import { renderSecuritySarif } from "../src/security/sarif.js";
import { parseSbom } from "../src/security/sbom.js";
import { fixture, fixturePath } from "./helpers.js";

const advisories = readdirSync(fixturePath("security/advisories")).map((file) => parseOsvAdvisory(fixture(`security/advisories/${file}`), file));

function auditDemoReport() {
  const { components } = parseSbom(fixture("security/generated/audit-demo/bom.cdx.json"));
  const evaluation = evaluateDependencies({
    settings: SecuritySettings.parse({}),
    inventory: components,
    inventorySource: "bom.cdx.json",
    match: matchAdvisories(components, advisories),
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
  it("one rule per advisory, one result per vulnerable version, levels from the gate's decision", () => {
    const log = renderSecuritySarif(auditDemoReport());
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

  it("fingerprints are stable across runs and distinct per advisory, package and version", () => {
    const fingerprints = (log: ReturnType<typeof renderSecuritySarif>) =>
      log.runs[0]?.results?.map((result) => result.partialFingerprints?.["releaseGatesDependency/v1"]);
    const first = fingerprints(renderSecuritySarif(auditDemoReport()));
    expect(fingerprints(renderSecuritySarif(auditDemoReport()))).toEqual(first);
    expect(new Set(first).size).toBe(13);
  });
});
