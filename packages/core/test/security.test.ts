import { readdirSync } from "node:fs";
import { fixture, fixturePath } from "@release-gates/test-helpers/fixtures";
import fc from "fast-check";
import semver from "semver";
import { describe, expect, it } from "vitest";
import { type AdvisoryHit, advisorySeverity, matchAdvisories, type OsvAdvisory, parseOsvAdvisory, VersionOrder } from "../src/security/osv.js";
import { osvPackage, parsePurl } from "../src/security/purl.js";
import { parseSbom } from "../src/security/sbom.js";
import { cvss3BaseScore, cvss4BaseScore, cvssVectorProblem, normaliseSeverity } from "../src/security/severity.js";

const advisories: OsvAdvisory[] = readdirSync(fixturePath("security/advisories")).map((file) => parseOsvAdvisory(fixture(`security/advisories/${file}`), file));
const pairs = (hits: AdvisoryHit[]) => hits.map((hit) => `${hit.advisory} ${hit.component.name}@${hit.component.version}`).sort();

describe("matching real SBOMs against real GitHub advisories", () => {
  // The expected pairs are the corpus's SOURCES.md list, worked out there with OSV's own
  // IsVulnerable over the npm ECOSYSTEM ranges; here they are recomputed and compared.
  it("Juice Shop 14.1.1 (cyclonedx-npm, 1101 components): the 15 known pairs, and none of the negative controls", async () => {
    const sbom = parseSbom(fixture("security/sbom/juice-shop-14.1.1.flat.cdx-1.6.json"));
    expect(sbom).toMatchObject({ format: "cyclonedx", specVersion: "1.6" });
    expect(sbom.components).toHaveLength(1101);
    const { hits } = await matchAdvisories(sbom.components, advisories);
    expect(pairs(hits)).toEqual(
      [
        "GHSA-35jh-r3h4-6jhm lodash@2.4.2",
        "GHSA-3h5v-q93c-6h6q ws@7.4.6",
        "GHSA-5mrr-rgp6-x4gr marsdb@0.6.11",
        "GHSA-6g6m-m6h5-w9gf express-jwt@0.1.3",
        "GHSA-8cf7-32gw-wr33 jsonwebtoken@0.1.0",
        "GHSA-8cf7-32gw-wr33 jsonwebtoken@0.4.0",
        "GHSA-8hfj-j24r-96c4 moment@2.0.0",
        "GHSA-c7hr-j4mj-j2w6 jsonwebtoken@0.1.0",
        "GHSA-c7hr-j4mj-j2w6 jsonwebtoken@0.4.0",
        "GHSA-cchq-frgv-rjh5 vm2@3.9.11",
        "GHSA-jf85-cpcp-j695 lodash@2.4.2",
        "GHSA-p6mc-m468-83gw lodash@2.4.2",
        "GHSA-pxg6-pf52-xh8x cookie@0.4.1",
        "GHSA-pxg6-pf52-xh8x cookie@0.6.0",
        "GHSA-qw6h-vgh9-j6wx express@4.19.2",
      ].sort(),
    );
    expect(hits.find((hit) => hit.advisory === "GHSA-3h5v-q93c-6h6q")?.fixedIn).toBe("7.5.10");
    expect(hits.find((hit) => hit.advisory === "GHSA-5mrr-rgp6-x4gr")?.fixedIn).toBeUndefined();
    expect(hits.find((hit) => hit.advisory === "GHSA-35jh-r3h4-6jhm")?.component.path).toMatch(/node_modules\/lodash$/);
  });

  it.each([
    ["bom.cdx.json", "cyclonedx"],
    ["npm-sbom.cdx.json", "cyclonedx"],
    ["npm-sbom.spdx.json", "spdx"],
  ])("audit-demo %s: 13 pairs, minimist@0.0.8 marked as a dev dependency", async (file, format) => {
    const sbom = parseSbom(fixture(`security/generated/audit-demo/${file}`));
    expect(sbom.format).toBe(format);
    const { hits } = await matchAdvisories(sbom.components, advisories);
    expect(pairs(hits)).toHaveLength(13);
    const minimist = hits.find((hit) => hit.component.name === "minimist");
    expect(minimist).toMatchObject({ advisory: "GHSA-xvch-5gv4-984h", component: { version: "0.0.8", development: true } });
    expect(hits.filter((hit) => hit.component.development)).toHaveLength(1);
  });

  it("negative controls: a workspaces monorepo and a dev-dependencies demo match nothing; an empty SPDX has no components", async () => {
    for (const file of ["local-workspaces.bare.cdx-1.6.json", "dev-dependencies.bare.cdx-1.6.json"]) {
      expect((await matchAdvisories(parseSbom(fixture(`security/sbom/${file}`)).components, advisories)).hits).toEqual([]);
    }
    expect(parseSbom(fixture("security/sbom/cra-sbom-demo.trivy-0.71.2.empty.spdx.json")).components).toEqual([]);
    const dev = parseSbom(fixture("security/sbom/dev-dependencies.bare.cdx-1.6.json")).components;
    expect(
      dev
        .filter((component) => component.development)
        .map((component) => component.name)
        .sort(),
    ).toEqual(["@types/node", "@types/uuid", "undici-types", "uuid"]);
  });
});

describe("severity", () => {
  const byId = (id: string) => advisories.find((advisory) => advisory.id === id) as OsvAdvisory;

  it.each([
    // By hand with the FIRST CVSS 3.1 equations: AV:N .85, AC:H .44, PR:N .85, UI:R .62 → 1.617 exploitability;
    // C/I/A:L → ISS .5254, impact 3.373; roundup(4.99) = 5.0.
    ["CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:L", 5.0],
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8],
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10],
    ["CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 7.2],
    ["CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:N", 0],
  ])("%s scores %d", (vector, score) => {
    expect(cvss3BaseScore(vector)).toBe(score);
  });

  it.each([
    // FIRST's CVSS 4.0 specification example and its calculator's values; 6.9 is also polycvss's documented example.
    ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3],
    ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N", 6.9],
    ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10],
    ["CVSS:4.0/AV:N/AC:L/AT:N", undefined],
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", undefined],
  ])("CVSS 4.0 %s scores %s", async (vector, score) => {
    expect(await cvss4BaseScore(vector)).toBe(score);
  });

  it("an advisory with only a CVSS 4.0 vector is rated from it; with both, v3 is read", async () => {
    const { advisorySeverity } = await import("../src/security/osv.js");
    const express = byId("GHSA-qw6h-vgh9-j6wx");
    // The real advisory carries both vectors: without its v3 one, its v4 vector (AT:P, UI:P, subsequent-system L/L/L only) gives 2.3, low.
    const v4Only = { ...express, severity: express.severity?.filter((entry) => entry.type === "CVSS_V4") };
    expect(await advisorySeverity(v4Only)).toEqual({ severity: "low", score: 2.3, source: "cvss4" });
  });

  it("without any CVSS, GitHub's own rating is used: jsonwebtoken <4.2.2 is critical, not unknown", async () => {
    const { advisorySeverity } = await import("../src/security/osv.js");
    expect(await advisorySeverity(byId("GHSA-c7hr-j4mj-j2w6"))).toEqual({ severity: "critical", source: "database" });
    expect(await advisorySeverity(byId("GHSA-8cf7-32gw-wr33"))).toEqual({ severity: "medium", source: "database" });
    expect(await advisorySeverity(byId("GHSA-qw6h-vgh9-j6wx"))).toEqual({ severity: "medium", score: 5, source: "cvss3" });
    expect((await advisorySeverity(byId("GHSA-pxg6-pf52-xh8x"))).severity).toBe("low");
    expect(await advisorySeverity({ id: "X", affected: [] } as OsvAdvisory)).toEqual({ severity: "unknown", source: "none" });
    expect([normaliseSeverity("MODERATE"), normaliseSeverity("Medium"), normaliseSeverity(undefined)]).toEqual(["medium", "medium", "unknown"]);
  });
});

describe("OSV range edge cases", () => {
  const component = (name: string, version: string) => ({
    name,
    version,
    purl: `pkg:npm/${name}@${version}`,
    ecosystem: "npm",
    development: false,
    licenses: [],
    path: undefined,
  });
  const hitsFor = (name: string, versions: string[], extra: OsvAdvisory[] = advisories) =>
    Promise.all(versions.map(async (version) => (await matchAdvisories([component(name, version)], extra)).hits.map((hit) => hit.advisory)));

  it("introduced 0 with an empty fixed (legacy GitHub data) means every version, no fix", async () => {
    expect(await hitsFor("marsdb", ["0.0.1", "0.6.11", "9.9.9"])).toEqual([["GHSA-5mrr-rgp6-x4gr"], ["GHSA-5mrr-rgp6-x4gr"], ["GHSA-5mrr-rgp6-x4gr"]]);
  });

  it("last_affected is inclusive", async () => {
    expect(await hitsFor("vm2", ["3.9.19", "3.9.20"])).toEqual([["GHSA-cchq-frgv-rjh5"], []]);
  });

  it("several ranges (backported fixes) each apply to their own line", async () => {
    expect(await hitsFor("ws", ["5.2.3", "5.2.4", "6.2.2", "7.5.10", "8.17.0", "8.17.1"])).toEqual([
      ["GHSA-3h5v-q93c-6h6q"],
      [],
      ["GHSA-3h5v-q93c-6h6q"],
      [],
      ["GHSA-3h5v-q93c-6h6q"],
      [],
    ]);
  });

  it("pre-releases: 5.0.0-beta.1 is inside [5.0.0-alpha.1, 5.0.0), 5.0.0 and 4.20.0 are not", async () => {
    expect(await hitsFor("express", ["5.0.0-beta.1", "5.0.0", "4.20.0", "4.19.2"])).toEqual([["GHSA-qw6h-vgh9-j6wx"], [], [], ["GHSA-qw6h-vgh9-j6wx"]]);
  });

  it("two affected entries for one package, with negative controls at their fixes", async () => {
    expect(await hitsFor("minimist", ["0.0.8", "0.2.4", "1.2.5", "1.2.8"])).toEqual([["GHSA-xvch-5gv4-984h"], [], ["GHSA-xvch-5gv4-984h"], []]);
  });

  it("a withdrawn advisory never matches, a limit closes a range, explicit versions match, shared aliases are one hit", async () => {
    const synthetic = (id: string, fields: Partial<OsvAdvisory>): OsvAdvisory =>
      ({
        id,
        affected: [{ package: { ecosystem: "npm", name: "left-pad" }, ranges: [{ type: "SEMVER", events: [{ introduced: "0" }] }] }],
        ...fields,
      }) as OsvAdvisory;
    const withdrawn = synthetic("GHSA-withdrawn", { withdrawn: "2024-01-01T00:00:00Z" });
    const limited = synthetic("GHSA-limited", {
      affected: [{ package: { ecosystem: "npm", name: "left-pad" }, ranges: [{ type: "SEMVER", events: [{ introduced: "1.0.0" }, { limit: "2.0.0" }] }] }],
    });
    const listed = synthetic("GHSA-listed", { affected: [{ package: { ecosystem: "npm", name: "left-pad" }, versions: ["3.0.0"] }] });
    const cveA = synthetic("GHSA-aaaa", { aliases: ["CVE-2099-0001"] });
    const cveB = synthetic("OSV-bbbb", { aliases: ["CVE-2099-0001"] });
    expect(await hitsFor("left-pad", ["1.5.0", "2.0.0", "3.0.0"], [withdrawn, limited, listed])).toEqual([["GHSA-limited"], [], ["GHSA-listed"]]);
    const merged = (await matchAdvisories([component("left-pad", "1.0.0")], [cveA, cveB])).hits;
    expect(merged).toHaveLength(1);
    expect(merged[0]?.aliases).toEqual(["CVE-2099-0001", "OSV-bbbb"]);
  });

  it("purls: scopes, subpaths and types OSV does not know", async () => {
    expect(parsePurl("pkg:npm/%40babel/core@7.24.7#packages/core")).toEqual({
      type: "npm",
      namespace: "@babel",
      name: "core",
      version: "7.24.7",
      subpath: "packages/core",
    });
    expect(osvPackage(parsePurl("pkg:maven/org.slf4j/slf4j-api@2.0.9"))).toEqual({ ecosystem: "Maven", name: "org.slf4j:slf4j-api" });
    expect(osvPackage(parsePurl("pkg:generic/openssl@3.0.0"))).toBeUndefined();
    const result = await matchAdvisories([{ ...component("openssl", "3.0.0"), purl: "pkg:generic/openssl@3.0.0", ecosystem: undefined }], advisories);
    expect(result.unmatched.map(({ reason }) => reason)).toEqual(["no advisory database here covers its ecosystem"]);
  });

  it.each([
    ["pkg:npm/@babel/core@7.24.7", { type: "npm", namespace: "@babel", name: "core", version: "7.24.7" }],
    ["pkg:npm/lodash@4.17.21?arch=x64#lib", { type: "npm", namespace: undefined, name: "lodash", version: "4.17.21", subpath: "lib" }],
    ["pkg:NPM/lodash", { type: "npm", name: "lodash", version: undefined }],
    ["pkg:golang/github.com/gin-gonic/gin@v1.9.1", { type: "golang", namespace: "github.com/gin-gonic", name: "gin", version: "v1.9.1" }],
  ])("the purl %s reads as the specification reads it", (purl, parts) => {
    expect(parsePurl(purl)).toMatchObject(parts);
  });

  it.each([
    ["pkg:npm/@4.17.15", "no package name"],
    ["npm:lodash", 'it does not start with "pkg:"'],
    ["pkg:/lodash@1.0.0", "no package type"],
    ["pkg:npm/", "no package name"],
    ["pkg:npm/%E0%A4%A@1", "valid percent-encoding"],
  ])("the malformed purl %s is refused, never read as a package", (purl, why) => {
    expect(() => parsePurl(purl)).toThrow(why);
  });

  it("malformed SBOMs and advisories are one sentence", () => {
    expect(() => parseSbom('{"bomFormat": "CycloneDX", "specVersion": "2.0", "components": []}')).toThrow(
      /^CycloneDX SBOM: specVersion: expected a CycloneDX spec version 1\.2–1\.7, found string "2\.0"/,
    );
    expect(() => parseSbom('{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"version": "1"}]}')).toThrow(
      /components\[0\]\.name: expected string/,
    );
    expect(() => parseSbom('{"hello": 1}')).toThrow(/expected a CycloneDX .* or SPDX .* SBOM, found another JSON document/);
    expect(() => parseOsvAdvisory('{"affected": []}', "x.json")).toThrow(/^x\.json: expected an OSV advisory: id: expected string/);
  });
});

describe("invalid CVSS vectors", () => {
  const VALID_V3 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
  it.each([
    ["CVSS:3.1/AV:N/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV is given twice"],
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y", '"XX" is not a CVSS 3.1 metric'],
    ["CVSS:3.1/AV:Z/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV:Z is not a value CVSS 3.1 allows"],
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H", "the base metric S is missing"],
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", '"" is not a metric:value pair'],
    ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/VC:L", "VC is given twice"],
    ["CVSS:2.0/AV:N", "it is not a CVSS 3.0, 3.1 or 4.0 vector"],
  ])("%s cannot be scored: %s", async (vector, problem) => {
    expect(cvssVectorProblem(vector)).toBe(problem);
    expect(cvss3BaseScore(vector)).toBeUndefined();
    expect(await cvss4BaseScore(vector)).toBeUndefined();
  });

  it("temporal and environmental metrics are allowed; the base score ignores them", () => {
    expect(cvssVectorProblem(`${VALID_V3}/E:P/RL:O/RC:C/CR:H/MAV:L`)).toBeUndefined();
    expect(cvss3BaseScore(`${VALID_V3}/E:P/RL:O/RC:C/CR:H/MAV:L`)).toBe(9.8);
  });

  it("an advisory whose vector is invalid is rated from the database's severity, and says so", async () => {
    const advisory = parseOsvAdvisory(
      JSON.stringify({
        id: "GHSA-test",
        severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }],
        database_specific: { severity: "MODERATE" },
        affected: [],
      }),
      "GHSA-test.json",
    );
    expect(await advisorySeverity(advisory)).toEqual({
      severity: "medium",
      source: "database",
      note: "its CVSS_V3 vector is invalid (AV is given twice): rated from the database's severity",
    });
  });
});

describe("versions in order", () => {
  it("each parsed once, ordered exactly as semver.valid and semver.compare order them, unreadable ones undecided", () => {
    const piece = fc.constantFrom("0", "1", "2", "10", "01", ".", ".", "-", "+", "alpha", "beta.1", "rc", "v", "=", " ", "x", "*", "1.0.0", "", "é");
    const version = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(""));
    const order = new VersionOrder();
    fc.assert(
      fc.property(version, version, (a, b) => {
        const [x, y] = [semver.valid(a, { loose: true }), semver.valid(b, { loose: true })];
        const expected = x && y ? semver.compare(x, y) : undefined;
        // The same order every time: a version met again comes from the cache.
        expect(order.compare(a, b)).toBe(expected);
        expect(order.compare(a, b)).toBe(expected);
      }),
      { numRuns: 5000 },
    );
  });
});
