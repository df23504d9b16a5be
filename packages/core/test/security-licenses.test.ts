import { fixture } from "@release-gates/test-helpers/fixtures";
import { describe, expect, it } from "vitest";
import { evaluateLicenses, licenseAllowed, parseLicenseExpression } from "../src/security/licenses.js";
import { parseSbom } from "../src/security/sbom.js";

const PERMISSIVE = ["MIT", "ISC", "BSD-2-Clause", "BSD-3-Clause", "Apache-2.0", "0BSD", "Unlicense", "CC0-1.0"];

describe("SPDX license expressions", () => {
  it.each([
    ["MIT", { license: "MIT" }],
    ["(MIT OR Apache-2.0)", { or: [{ license: "MIT" }, { license: "Apache-2.0" }] }],
    ["GPL-2.0+ WITH Classpath-exception-2.0 AND BSD-3-Clause", { and: [{ license: "GPL-2.0" }, { license: "BSD-3-Clause" }] }],
    ["MIT AND ISC OR Apache-2.0", { or: [{ and: [{ license: "MIT" }, { license: "ISC" }] }, { license: "Apache-2.0" }] }],
    ["LicenseRef-scancode-public-domain", { license: "LicenseRef-scancode-public-domain" }],
  ])("%s", (text, expected) => {
    expect(parseLicenseExpression(text)).toEqual(expected);
  });

  it.each(["MIT/X11", "BSD style", "(MIT OR", "MIT AND", "", "MIT WITH"])("%j is no expression", (text) => {
    expect(parseLicenseExpression(text)).toBeUndefined();
  });

  it("OR needs one allowed choice, AND needs all; deny wins over allow", () => {
    const policy = { allow: ["MIT", "ISC"], deny: ["GPL-3.0"] };
    expect(licenseAllowed(parseLicenseExpression("MIT OR GPL-3.0") as never, policy)).toBe(true);
    expect(licenseAllowed(parseLicenseExpression("MIT AND GPL-3.0") as never, policy)).toBe(false);
    expect(licenseAllowed(parseLicenseExpression("mit") as never, policy)).toBe(true);
    expect(licenseAllowed(parseLicenseExpression("Apache-2.0") as never, policy)).toBe(false);
    expect(licenseAllowed(parseLicenseExpression("MIT") as never, { allow: ["MIT"], deny: ["MIT"] })).toBe(false);
  });
});

describe("licenses of Juice Shop 14.1.1's runtime packages", () => {
  // Worked out by reading the SBOM's licenses with a few lines of Python: 10 packages without the
  // development property declare none and 2 declare "MIT/X11"; one of the 10, fsevents, has
  // `scope: excluded` (not installed at run time), which leaves 11 runtime unknowns. With a
  // permissive allow list, five declare something else (Apache2, GPL-2.0, BSD, CC-BY-3.0, WTFPL),
  // while seven OR-expressions have a permissive choice.
  const { components } = parseSbom(fixture("security/sbom/juice-shop-14.1.1.flat.cdx-1.6.json"));

  it("a permissive allow list: five denied, eleven unknown (warnings by default)", () => {
    const result = evaluateLicenses(components, { allow: PERMISSIVE, deny: [], onUnknown: "warn" }, ["runtime"], "bom.json");
    const names = (id: string) =>
      result.findings
        .filter((finding) => finding.id === id)
        .map((finding) => finding.properties?.package)
        .sort();
    expect(names("license-denied")).toEqual(["esprima", "foreachasync", "fuzzball", "spdx-exceptions", "truncate-utf8-bytes"]);
    expect(names("license-unknown")).toHaveLength(11);
    expect(result.checks.map((check) => [check.id, check.status, check.measured])).toEqual([
      ["licenses.denied", "fail", 5],
      ["licenses.unknown", "warn", 11],
    ]);
    expect(result.findings.find((finding) => finding.properties?.package === "fuzzball")?.message).toBe(
      "fuzzball@1.4.0 is licensed GPL-2.0, which the policy does not allow (allowed: MIT, ISC, BSD-2-Clause, BSD-3-Clause, Apache-2.0, 0BSD, Unlicense, CC0-1.0).",
    );
  });

  it("a deny list alone: only the GPL package, and unknown can be made to fail", () => {
    const result = evaluateLicenses(components, { deny: ["GPL-2.0", "GPL-3.0", "AGPL-3.0"], onUnknown: "fail" }, ["runtime"], "bom.json");
    expect(result.details).toEqual({ checked: 1100, denied: 1, unknown: 11 });
    expect(result.checks[1]).toMatchObject({ id: "licenses.unknown", status: "fail" });
  });
});
