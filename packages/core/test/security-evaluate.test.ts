import { readdirSync } from "node:fs";
import { fixture, fixturePath } from "@release-gates/test-helpers/fixtures";
import { describe, expect, it } from "vitest";
import { deriveGateStatus } from "../src/report/build.js";
import { type DependencyEvaluationInput, describeSnapshot, evaluateDependencies } from "../src/security/evaluate.js";
import { matchAdvisories, parseOsvAdvisory } from "../src/security/osv.js";
import { readRiskRegister } from "../src/security/risks.js";
import { parseSbom } from "../src/security/sbom.js";
import { SecuritySettings } from "../src/security/settings.js";
import { renderRiskRegisterVex } from "../src/security/vex.js";

const advisories = readdirSync(fixturePath("security/advisories")).map((file) => parseOsvAdvisory(fixture(`security/advisories/${file}`), file));
const NOW = new Date("2026-11-26T12:00:00Z");

/**
 * audit-demo (cyclonedx-npm 6.0.1 from a real lock file) has 13 hits against the corpus
 * advisories. Their severities, read by hand from each advisory file: critical from
 * database_specific for GHSA-c7hr (×2, jsonwebtoken 0.1.0 and 0.4.0) and GHSA-5mrr (marsdb,
 * no fix); critical from CVSS for GHSA-jf85 (lodash 2.4.2) and GHSA-xvch (minimist 0.0.8, the
 * only dev dependency); high for GHSA-6g6m, GHSA-35jh (×2), GHSA-p6mc (×2), GHSA-8hfj; medium
 * (MODERATE) for GHSA-8cf7 (×2, alias CVE-2022-23539).
 */
async function evaluate(settings: Partial<SecuritySettings>, registerText = "risks: []\n", sbomFile = "security/generated/audit-demo/bom.cdx.json") {
  const sbom = parseSbom(fixture(sbomFile));
  const input: DependencyEvaluationInput = {
    settings: SecuritySettings.parse(settings),
    inventory: sbom.components,
    inventorySource: "bom.cdx.json",
    match: await matchAdvisories(sbom.components, advisories),
    snapshot: describeSnapshot(advisories, "advisories/"),
    register: await readRiskRegister(registerText, "security/accepted-risks.yml"),
    now: NOW,
  };
  const result = evaluateDependencies(input);
  const decided = (decision: string) =>
    result.decisions
      .filter((finding) => finding.decision === decision)
      .map((finding) => `${finding.hit.advisory} ${finding.hit.component.name}@${finding.hit.component.version}`)
      .sort();
  return { ...result, decided, status: deriveGateStatus(result.checks), check: (id: string) => result.checks.find((check) => check.id === id) };
}

const ACCEPT_JWT = (expires: string) => `risks:
  - advisory: CVE-2022-23539
    package: jsonwebtoken
    versions: "<1.0.0"
    reason: Only verifies tokens signed by our own issuer; upgrade tracked in PLAT-812.
    owner: alice@example.com
    expires: ${expires}
`;

describe("dependency decisions on audit-demo", () => {
  it("default policy: ten runtime critical/high findings block, two mediums need acceptance, the dev minimist is out of scope", async () => {
    const result = await evaluate({});
    expect(result.status).toBe("fail");
    expect(result.decided("blocking")).toHaveLength(10);
    expect(result.decided("unaccepted")).toEqual(["GHSA-8cf7-32gw-wr33 jsonwebtoken@0.1.0", "GHSA-8cf7-32gw-wr33 jsonwebtoken@0.4.0"]);
    expect(result.decided("out-of-scope")).toEqual(["GHSA-xvch-5gv4-984h minimist@0.0.8"]);
    expect(result.check("dependencies.blocking")).toMatchObject({ status: "fail", measured: 10 });
    expect(result.check("dependencies.accepted-risks")).toMatchObject({ status: "fail", measured: 2 });
    expect(result.details).toMatchObject({ components: 30, bySeverity: { critical: 5, high: 6, medium: 2, low: 0, unknown: 0 } });
    // The report carries what a reader needs to act: advisory, package, version, fix.
    expect(result.findings[0]?.severity).toBe("error");
    const jwt = result.findings.find((finding) => finding.id === "GHSA-c7hr-j4mj-j2w6");
    expect(jwt?.properties).toMatchObject({
      package: "jsonwebtoken",
      advisory: "GHSA-c7hr-j4mj-j2w6",
      severity: "critical",
      severitySource: "database",
      fixedIn: "4.2.2",
    });
    expect(jwt?.message).toContain("upgrade to 4.2.2 or later");
    expect(result.findings.at(-1)?.severity).toBe("notice");
  });

  it("an unexpired accepted risk, named by its CVE alias and a version range, covers both mediums", async () => {
    const result = await evaluate({}, ACCEPT_JWT("2027-01-31"));
    expect(result.decided("accepted")).toHaveLength(2);
    expect(result.check("dependencies.accepted-risks")).toMatchObject({ status: "pass", measured: 0 });
    expect(result.findings.find((finding) => finding.properties?.decision === "accepted")?.message).toContain("accepted by alice@example.com until 2027-01-31");
  });

  it("an expired accepted risk fails and names its owner; the expiry day itself still counts", async () => {
    const expired = await evaluate({}, ACCEPT_JWT("2026-11-25"));
    expect(expired.decided("expired-acceptance")).toHaveLength(2);
    expect(expired.findings.find((finding) => finding.properties?.decision === "expired-acceptance")?.message).toContain(
      "its accepted risk (owner alice@example.com) expired on 2026-11-25",
    );
    expect((await evaluate({}, ACCEPT_JWT("2026-11-26"))).decided("accepted")).toHaveLength(2);
  });

  it("an accepted risk whose range misses the version does not cover it", async () => {
    const result = await evaluate({}, ACCEPT_JWT("2027-01-31").replace("<1.0.0", ">=0.2.0 <1.0.0"));
    expect(result.decided("accepted")).toEqual(["GHSA-8cf7-32gw-wr33 jsonwebtoken@0.4.0"]);
    expect(result.decided("unaccepted")).toEqual(["GHSA-8cf7-32gw-wr33 jsonwebtoken@0.1.0"]);
  });

  it("a critical finding is never lifted by the register", async () => {
    const register = `risks:
  - { advisory: GHSA-c7hr-j4mj-j2w6, package: jsonwebtoken, reason: legacy, owner: bob, expires: 2030-01-01 }
`;
    expect((await evaluate({}, register)).decided("blocking")).toContain("GHSA-c7hr-j4mj-j2w6 jsonwebtoken@0.1.0");
  });

  it("failOn critical, both scopes, only fixable: highs need acceptance, marsdb (no fix) is set aside, the dev minimist blocks", async () => {
    const result = await evaluate({ failOn: "critical", scopes: ["runtime", "development"], onlyFixable: true });
    expect(result.decided("no-fix-yet")).toEqual(["GHSA-5mrr-rgp6-x4gr marsdb@0.6.11"]);
    expect(result.decided("blocking")).toEqual([
      "GHSA-c7hr-j4mj-j2w6 jsonwebtoken@0.1.0",
      "GHSA-c7hr-j4mj-j2w6 jsonwebtoken@0.4.0",
      "GHSA-jf85-cpcp-j695 lodash@2.4.2",
      "GHSA-xvch-5gv4-984h minimist@0.0.8",
    ]);
    expect(result.decided("unaccepted")).toHaveLength(8);
  });

  it("requireAcceptanceFrom high with failOn critical leaves mediums as warnings below the policy", async () => {
    const result = await evaluate({ failOn: "critical", requireAcceptanceFrom: "high" });
    expect(result.decided("below-policy")).toHaveLength(2);
    expect(result.findings.filter((finding) => finding.properties?.decision === "below-policy").map((finding) => finding.severity)).toEqual([
      "warning",
      "warning",
    ]);
  });
});

describe("evidence and snapshot checks", () => {
  it("an empty SBOM (Trivy on a tree without a lock file) is no evidence and fails", async () => {
    const result = await evaluate({}, undefined, "security/sbom/cra-sbom-demo.trivy-0.71.2.empty.spdx.json");
    expect(result.check("dependencies.inventory")).toMatchObject({ status: "no-data", onNoData: "fail" });
    expect(result.status).toBe("fail");
  });

  it("the negative-control workspaces SBOM passes every check", async () => {
    expect((await evaluate({}, undefined, "security/sbom/local-workspaces.bare.cdx-1.6.json")).status).toBe("pass");
  });

  it("a snapshot older than maxSnapshotAge warns (or fails) with its newest modified date", async () => {
    const newest = describeSnapshot(advisories, "advisories/").newestModified as string;
    const stale = await evaluate({ maxSnapshotAge: "30d" }, undefined, "security/sbom/local-workspaces.bare.cdx-1.6.json");
    expect(stale.check("advisories.snapshot-age")).toMatchObject({ status: "warn", threshold: "30d" });
    expect(stale.check("advisories.snapshot-age")?.message).toContain(newest);
    expect(stale.status).toBe("warn");
    expect((await evaluate({ maxSnapshotAge: "30d", onStaleSnapshot: "fail" }, undefined, "security/sbom/local-workspaces.bare.cdx-1.6.json")).status).toBe(
      "fail",
    );
    expect(
      (await evaluate({ maxSnapshotAge: "520w" }, undefined, "security/sbom/local-workspaces.bare.cdx-1.6.json")).check("advisories.snapshot-age")?.status,
    ).toBe("pass");
  });
});

describe("risk register file", () => {
  it.each([
    [
      "an entry without an owner",
      "risks:\n  - advisory: GHSA-1\n    package: a\n    reason: r\n    expires: 2027-01-01\n",
      /^security\/accepted-risks\.yml, line 2: risks\[0\]\.owner: expected string, found nothing/,
    ],
    ["a date that is not a date", "risks:\n  - { advisory: A, package: a, reason: r, owner: o, expires: next year }\n", /line 2: risks\[0\]\.expires: /],
    [
      "a day that does not exist (February 30th)",
      "risks:\n  - { advisory: A, package: a, reason: r, owner: o, expires: 2026-02-30 }\n",
      /line 2: risks\[0\]\.expires: expected a date that exists, such as 2027-03-31, found string "2026-02-30"/,
    ],
    [
      "a month that does not exist",
      "risks:\n  - { advisory: A, package: a, reason: r, owner: o, expires: 9999-99-99 }\n",
      /risks\[0\]\.expires: expected a date that exists/,
    ],
    [
      "a range that is not semver",
      "risks:\n  - { advisory: A, package: a, versions: 'soon', reason: r, owner: o, expires: 2027-01-01 }\n",
      /semver range such as <9\.0\.0/,
    ],
    ["an unknown key", "risks:\n  - { advisory: A, package: a, reason: r, owner: o, expires: 2027-01-01, until: x }\n", /line 2: .*until/],
  ])("%s is refused with the file, line and field", async (_name, text, message) => {
    await expect(readRiskRegister(text, "security/accepted-risks.yml")).rejects.toThrow(message);
  });

  it("reads an unquoted YAML date as the calendar day", async () => {
    expect((await readRiskRegister("risks:\n  - { advisory: A, package: a, reason: r, owner: o, expires: 2027-01-31 }\n", "r.yml"))[0]?.expires).toBe(
      "2027-01-31",
    );
  });
});

const vexRegister = await readRiskRegister(
  `risks:
  - { advisory: CVE-2022-23539, package: jsonwebtoken, versions: "<9.0.0", reason: only our own tokens, owner: alice, expires: 2027-01-31 }
  - { advisory: GHSA-xxxx, package: "@babel/traverse", versions: "^7.0.0 || ^8.0.0", reason: build only, owner: bob, expires: 2027-06-30 }
  - { advisory: GHSA-old, package: lodash, reason: was fine, owner: carol, expires: 2026-01-01 }
`,
  "security/accepted-risks.yml",
);

describe("the register published as CycloneDX VEX", () => {
  it("unexpired entries become exploitable / will_not_fix with owner and expiry; expired ones are left out", () => {
    const vex = renderRiskRegisterVex(vexRegister, NOW) as { specVersion: string; vulnerabilities: Record<string, unknown>[] };
    expect(vex.specVersion).toBe("1.6");
    expect(vex.vulnerabilities.map((vulnerability) => vulnerability.id)).toEqual(["CVE-2022-23539", "GHSA-xxxx"]);
    expect(vex.vulnerabilities[0]).toEqual({
      id: "CVE-2022-23539",
      analysis: { state: "exploitable", response: ["will_not_fix"], detail: "only our own tokens" },
      affects: [{ ref: "pkg:npm/jsonwebtoken", versions: [{ range: "vers:npm/<9.0.0" }] }],
      properties: [
        { name: "release-gates:owner", value: "alice" },
        { name: "release-gates:expires", value: "2027-01-31" },
      ],
    });
    // A range with alternatives has no single vers: it is kept as written in a property.
    expect(vex.vulnerabilities[1]).toMatchObject({
      affects: [{ ref: "pkg:npm/%40babel/traverse" }],
      properties: expect.arrayContaining([{ name: "release-gates:versions", value: "^7.0.0 || ^8.0.0" }]),
    });
  });
});

describe("components no advisory can be matched to", () => {
  const lodashAdvisory = parseOsvAdvisory(fixture("security/advisories/GHSA-35jh-r3h4-6jhm.json"), "GHSA-35jh-r3h4-6jhm.json");
  const sbom = (components: object[]) => parseSbom(JSON.stringify({ bomFormat: "CycloneDX", specVersion: "1.6", components }));
  const decide = async (components: ReturnType<typeof sbom>["components"], overrides: Partial<SecuritySettings> = {}) =>
    evaluateDependencies({
      settings: SecuritySettings.parse({ advisories: "osv", ...overrides }),
      inventory: components,
      inventorySource: "bom.json",
      match: await matchAdvisories(components, [lodashAdvisory]),
      snapshot: describeSnapshot([lodashAdvisory], "osv"),
      register: [],
      now: new Date("2026-11-29T00:00:00Z"),
    });

  it("a vulnerable lodash without a package URL is not skipped: the gate fails and names it", async () => {
    const evaluation = await decide(sbom([{ name: "lodash", version: "4.17.15" }]).components);
    expect(evaluation.checks.find((check) => check.id === "dependencies.unmatched")).toMatchObject({ status: "fail", measured: 1 });
    expect(evaluation.findings).toContainEqual(
      expect.objectContaining({
        id: "dependencies.unmatched",
        severity: "error",
        message: "lodash@4.17.15 (the SBOM gives it no package URL): not checked against the advisories.",
      }),
    );
  });

  it.each([
    [{ name: "lodash", version: "4.17.15", purl: "pkg:npm/@4.17.15" }, /its package URL is malformed: .*no package name/],
    [{ name: "lodash", purl: "pkg:npm/lodash" }, /the SBOM gives it no version/],
    [{ name: "openssl", version: "3.0.2", purl: "pkg:deb/debian/openssl@3.0.2" }, /no advisory database here covers deb packages/],
    [{ name: "x", version: "1", purl: "not a purl" }, /its package URL is malformed/],
  ])("%j is listed with the reason, and fails closed", async (component, reason) => {
    const evaluation = await decide(sbom([component]).components);
    expect(evaluation.checks.find((check) => check.id === "dependencies.unmatched")?.status).toBe("fail");
    expect(evaluation.details.unmatched[0]?.reason).toMatch(reason);
  });

  it("the policy may soften it to a warning, and out-of-scope dev dependencies are not counted", async () => {
    const components = sbom([
      { name: "lodash", version: "4.17.15" },
      { name: "mocha", version: "10.0.0", properties: [{ name: "cdx:npm:package:development", value: "true" }] },
    ]).components;
    expect((await decide(components, { onUnmatched: "warn" })).checks.find((check) => check.id === "dependencies.unmatched")).toMatchObject({
      status: "warn",
      measured: 1,
    });
    expect((await decide(components, { scopes: ["runtime", "development"] })).checks.find((check) => check.id === "dependencies.unmatched")?.measured).toBe(2);
  });
});

describe("advisories of packages that are not installed", () => {
  it("are counted and dated unread; one naming an installed package, or naming none (damaged), is parsed and its errors said", async () => {
    const { AdvisorySelection } = await import("../src/security/evaluate.js");
    const selection = AdvisorySelection.forInventory([
      { name: "lodash", version: "4.17.20", ecosystem: "npm", purl: "pkg:npm/lodash@4.17.20", scope: "runtime" } as never,
    ]);
    selection.addText('{"id":"GHSA-x","modified":"2026-11-20T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"left-pad"}}', "left-pad.json");
    expect(selection.kept).toEqual([]);
    expect(selection.snapshot("osv")).toEqual({ count: 1, newestModified: "2026-11-20T00:00:00Z", source: "osv" });
    expect(() => selection.addText('{"id":"GHSA-y","affected":[{"package":{"ecosystem":"npm","name":"lod\\u0061sh"}}', "lodash.json")).toThrow(/lodash\.json/);
    expect(() => selection.addText('{"id":"GHSA-z","modified":"2026-11-21T00:00:00Z","affec', "truncated.json")).toThrow(/truncated\.json/);
  });
});
