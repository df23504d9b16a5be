import { readdirSync } from "node:fs";
import { fixture, fixturePath } from "@release-gates/test-helpers/fixtures";
import { describe, expect, it } from "vitest";
import { npmAuditHits, parseNpmAudit, parseNpmLockfile } from "../src/security/npm.js";
import { matchAdvisories, parseOsvAdvisory } from "../src/security/osv.js";
import { parseSbom } from "../src/security/sbom.js";

const advisories = readdirSync(fixturePath("security/advisories")).map((file) => parseOsvAdvisory(fixture(`security/advisories/${file}`), file));
const audit = (name: string) => parseNpmAudit(fixture(`security/audit/${name}.npm-audit.v2.json`), `${name}.json`);

describe("npm audit --json (v2)", () => {
  // Expected counts worked out with a few lines of Python over the raw JSON: distinct `via`
  // advisory URLs, and (advisory, node) pairs — Juice Shop 61 and 67, npm-dev-vulns-2 19 and 20.
  it("Juice Shop: one finding per advisory and installed location, versions and dev flags from the SBOM's npm paths", () => {
    const sbom = parseSbom(fixture("security/sbom/juice-shop-14.1.1.flat.cdx-1.6.json"));
    const hits = npmAuditHits(audit("juice-shop"), sbom.components);
    expect(hits).toHaveLength(67);
    expect(new Set(hits.map((hit) => hit.advisory)).size).toBe(61);
    const jwt = hits.filter((hit) => hit.advisory === "GHSA-c7hr-j4mj-j2w6").map((hit) => `${hit.component.path} ${hit.component.version}`);
    expect(jwt.sort()).toEqual(["node_modules/express-jwt/node_modules/jsonwebtoken 0.1.0", "node_modules/jsonwebtoken 0.4.0"]);
    // A location the SBOM does not know keeps its name and path, without a version.
    expect(hits.find((hit) => hit.advisory === "GHSA-v75r-vx73-82pj")?.component).toMatchObject({ name: "@cyclonedx/cyclonedx-npm", version: undefined });
  });

  it("severity: the CVSS vector when npm has one, else GitHub's word; sources disagree and the report says which it read", async () => {
    const hits = npmAuditHits(audit("juice-shop"), []);
    const byId = (id: string) => hits.find((hit) => hit.advisory === id)?.severity;
    expect(byId("GHSA-c7hr-j4mj-j2w6")).toEqual({ severity: "critical", source: "database" });
    // npm audit rates GHSA-8cf7 high (CVSS 8.1); the stored OSV copy says MODERATE.
    expect(byId("GHSA-8cf7-32gw-wr33")).toEqual({ severity: "high", score: 8.1, source: "cvss3" });
    expect(
      (await matchAdvisories(parseSbom(fixture("security/generated/audit-demo/bom.cdx.json")).components, advisories)).hits.find(
        (hit) => hit.advisory === "GHSA-8cf7-32gw-wr33",
      )?.severity.severity,
    ).toBe("medium");
    expect(byId("GHSA-vpq2-c234-7xj6")).toEqual({ severity: "low", score: 3.3, source: "cvss3" });
  });

  it("fixes: the range's upper bound, or just 'a fix exists', or none (fixAvailable: false)", () => {
    const hits = npmAuditHits(audit("juice-shop"), []);
    const fix = (id: string) => {
      const hit = hits.find((candidate) => candidate.advisory === id);
      return [hit?.fixedIn, hit?.fixAvailable];
    };
    expect(fix("GHSA-c7hr-j4mj-j2w6")).toEqual(["4.2.2", true]);
    expect(fix("GHSA-6g6m-m6h5-w9gf")).toEqual([undefined, true]); // range "<=5.3.3": fixed somewhere above
    expect(fix("GHSA-5mrr-rgp6-x4gr")).toEqual([undefined, false]); // marsdb: fixAvailable false
  });

  it("create-react-app build tooling: 20 findings, none with a version when no inventory is given", () => {
    const hits = npmAuditHits(audit("npm-dev-vulns-2"), []);
    expect(hits).toHaveLength(20);
    expect(new Set(hits.map((hit) => hit.advisory)).size).toBe(19);
    expect(hits.every((hit) => hit.component.version === undefined && !hit.component.development)).toBe(true);
  });

  it.each([
    ["not JSON", "npm ERR! audit endpoint returned an error", /^x\.json: expected npm audit --json output, found invalid JSON/],
    ["the v1 format", '{"advisories": {}, "metadata": {}}', /^x\.json: expected npm audit --json output: auditReportVersion: expected auditReportVersion 2/],
  ])("%s is refused with a clear sentence", (_name, text, message) => {
    expect(() => parseNpmAudit(text, "x.json")).toThrow(message);
  });
});

describe("package-lock.json as the inventory", () => {
  it("audit-demo: 30 installed packages, minimist the only dev one, and the same 13 OSV hits as its SBOM", async () => {
    const components = parseNpmLockfile(fixture("security/generated/audit-demo/package-lock.json"), "package-lock.json");
    expect(components).toHaveLength(30);
    expect(components.filter((component) => component.development).map((component) => component.name)).toEqual(["minimist"]);
    const pairs = async (list: typeof components) =>
      (await matchAdvisories(list, advisories)).hits.map((hit) => `${hit.advisory} ${hit.component.name}@${hit.component.version}`).sort();
    const fromLock = await pairs(components);
    expect(fromLock).toHaveLength(13);
    expect(fromLock).toEqual(await pairs(parseSbom(fixture("security/generated/audit-demo/bom.cdx.json")).components));
  });

  it("a lockfile v1 (npm 6) is refused with what to do", () => {
    expect(() => parseNpmLockfile('{"lockfileVersion": 1, "dependencies": {}}', "package-lock.json")).toThrow(
      /^package-lock\.json: expected an npm package-lock\.json: lockfileVersion: .*npm install --package-lock-only/,
    );
  });
});
