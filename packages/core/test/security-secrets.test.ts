import { fixture } from "@release-gates/test-helpers/fixtures";
import { describe, expect, it } from "vitest";
import {
  allowlistMatcher,
  evaluateSecrets,
  parseGitleaksReport,
  parseSecretsBaseline,
  readSecretsAllowlist,
  redactSecret,
  SECRET_RULES,
  scanForSecrets,
  shannonEntropy,
} from "../src/security/secrets.js";

// Secrets are assembled at run time so this file never holds a whole one: a real scanner
// (ours or gitleaks) run over the repository must not flag the tests themselves.
const join = (...parts: string[]) => parts.join("");
const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
const JWT = join(
  b64url({ alg: "HS256", typ: "JWT" }),
  ".",
  b64url({ sub: "1234567890", name: "release gates", iat: 1516239022 }),
  ".",
  "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
);

/** One real-looking secret per rule, each in the kind of line it is found in. */
const TRUE_POSITIVES: [rule: string, line: string, secret: string][] = [
  ["aws-access-key-id", `aws_access_key_id = ${join("AKIA", "Z7QWERTYU2PLMKJH")}`, join("AKIA", "Z7QWERTYU2PLMKJH")],
  [
    "aws-secret-access-key",
    `aws_secret_access_key = "${join("wJalrXUtnFEMI/K7MDENG/", "bPxRfiCYzQ8kLm3Np2")}"`,
    join("wJalrXUtnFEMI/K7MDENG/", "bPxRfiCYzQ8kLm3Np2"),
  ],
  ["github-token", `GH_TOKEN=${join("ghp_", "R8s2Kq9LmZx4Tv7Wn1Pb6Yc3Hd5Jf0GaE2uQ")}`, join("ghp_", "R8s2Kq9LmZx4Tv7Wn1Pb6Yc3Hd5Jf0GaE2uQ")],
  [
    "github-fine-grained-token",
    `token: ${join("github_pat_", "11ABCDEFG0", "aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2zA4bC6dE8fG1hJ3kL5mN7pQ9rS2tU4vW6xY8zA1")}`,
    join("github_pat_", "11ABCDEFG0", "aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2zA4bC6dE8fG1hJ3kL5mN7pQ9rS2tU4vW6xY8zA1"),
  ],
  ["gitlab-token", `private-token: ${join("glpat-", "xY7zQ2wE9rT4uI1oP6aS")}`, join("glpat-", "xY7zQ2wE9rT4uI1oP6aS")],
  ["slack-token", `SLACK=${join("xoxb-", "123456789012-", "4Hf8Kq2Lz9Xw3Vn")}`, join("xoxb-", "123456789012-", "4Hf8Kq2Lz9Xw3Vn")],
  ["stripe-secret-key", `stripe.api_key = ${join("sk_live_", "4eC39HqLyjWDarjtT1zdp7dc")}`, join("sk_live_", "4eC39HqLyjWDarjtT1zdp7dc")],
  ["google-api-key", `key=${join("AIza", "SyD3x9Kq2Lm8Zt4Vn7Wp1Hb6Jc0Rf5Ge-_a")}`, join("AIza", "SyD3x9Kq2Lm8Zt4Vn7Wp1Hb6Jc0Rf5Ge-_a")],
  [
    "npm-token",
    `//registry.npmjs.org/:_authToken=${join("npm_", "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8")}`,
    join("npm_", "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"),
  ],
  ["private-key", join("-----BEGIN ", "RSA PRIVATE KEY-----"), join("-----BEGIN ", "RSA PRIVATE KEY-----")],
  ["private-key", join("-----BEGIN ", "OPENSSH PRIVATE KEY-----"), join("-----BEGIN ", "OPENSSH PRIVATE KEY-----")],
  ["jwt", `Authorization: Bearer ${JWT}`, JWT],
  ["generic-secret", `const apiKey = "${join("q8Zr2Lx7", "Vn4Tw9Kp3Ys6Hb1Mc5Jd0Fg")}";`, join("q8Zr2Lx7", "Vn4Tw9Kp3Ys6Hb1Mc5Jd0Fg")],
];

/** Look-alikes that must not fire: hashes, UUIDs, placeholders, test keys, non-JWT base64. */
const LOOK_ALIKES = [
  'commit_token = "3c7f3f0e08c5b84a0cd3da69dbfd7ac9931cea63"',
  'secret_hash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"',
  'session_token: "123e4567-e89b-12d3-a456-426614174000"',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a placeholder as it appears in config files, not a template
  'password = "${DB_PASSWORD}"',
  'password: "changeme-changeme-changeme"',
  `stripe_key = "${join("sk_test_", "4eC39HqLyjWDarjtT1zdp7dc")}"`,
  'data = "eyJub3QiOiJhIGp3dCJ9"',
  `weird = ${join("eyJ", "hbGdvcml0aG0iOiJ", ".eyJ", "zdWIiOiIxMjM0NTY3ODkwIn0", ".", "c2lnbmF0dXJlLXBhcnQ")}`,
  '"integrity": "sha512-Nm33N5/uniFmlIxqu7wyfwUkAVhKdlY4wFHAnT6P+TJxPoaIASuAN7uyS1wUPsRTiv8yCT93p5P54txD7PRkVg=="',
  "-----BEGIN PUBLIC KEY-----",
  "const AKIA_PREFIX = 'AKIA';",
];

describe("secret rules", () => {
  it("every built-in rule has a true positive here", () => {
    expect(new Set(TRUE_POSITIVES.map(([rule]) => rule))).toEqual(new Set(SECRET_RULES.map((rule) => rule.id)));
  });

  it.each(TRUE_POSITIVES)("%s fires on %s, and the finding holds no secret", (rule, line, secret) => {
    const findings = scanForSecrets("config/app.env", `first line\n${line}\n`);
    expect(findings.map((finding) => [finding.rule, finding.line])).toContainEqual([rule, 2]);
    expect(JSON.stringify(findings)).not.toContain(secret);
    expect(JSON.stringify(evaluateSecrets({ found: findings, allowed: 0, baseline: new Set(), filesScanned: 1, skippedFiles: [] }))).not.toContain(secret);
  });

  it.each(LOOK_ALIKES)("does not fire on %s", (line) => {
    expect(scanForSecrets("src/x.ts", line)).toEqual([]);
  });

  it("entropy and redaction", () => {
    expect(shannonEntropy("aaaa")).toBe(0);
    expect(shannonEntropy("abcd")).toBe(2);
    expect(redactSecret(join("ghp_", "R8s2Kq9LmZx4Tv7Wn1Pb6Yc3Hd5Jf0GaE2uQ"))).toBe("ghp_…[40 chars]");
    expect(redactSecret("hunter2")).toBe("[7 chars]");
  });

  it.each([`token=${JWT}`, `"jwt": "${JWT}"`, `?access_token=${JWT}&x=1`, `'${JWT}'`])("a JWT is found where tokens stand on their own: %s", (line) => {
    expect(scanForSecrets("x", line).map((finding) => finding.rule)).toEqual(["jwt"]);
  });

  it("many secrets on one line are each found once, whatever rules overlap on them", () => {
    const tokens = Array.from({ length: 500 }, (_, index) => join("ghp_", `R8s2Kq9LmZx4Tv7Wn1Pb6Yc3Hd5Jf0G${String(index).padStart(5, "0")}`));
    const findings = scanForSecrets("x", `tokens = "${tokens.join(" ")}"`);
    expect(findings.filter((finding) => finding.rule === "github-token")).toHaveLength(500);
    expect(new Set(findings.map((finding) => finding.fingerprint)).size).toBe(findings.length);
  });

  it("only the given lines are scanned in diff mode", () => {
    const text = `a = 1\nGH=${join("ghp_", "R8s2Kq9LmZx4Tv7Wn1Pb6Yc3Hd5Jf0GaE2uQ")}\n`;
    expect(scanForSecrets("x", text, SECRET_RULES, new Set([1]))).toEqual([]);
    expect(scanForSecrets("x", text, SECRET_RULES, new Set([2]))).toHaveLength(1);
  });
});

const docsAllowlist = await readSecretsAllowlist(`paths: ["docs/**", "**/*.md"]\nregexes: ["EXAMPLE"]\nfingerprints: []\n`, "security/secrets-allowlist.yml");

describe("allowlist, baseline and gitleaks", () => {
  const docsKey = join("AKIA", "IOSFODNN7EXAMPLE");

  it("AWS's documented example key is allowed by a regex, and docs paths are skipped", () => {
    const [found] = scanForSecrets("src/config.ts", `const key = "${docsKey}";`);
    expect(found?.rule).toBe("aws-access-key-id");
    const matcher = allowlistMatcher(docsAllowlist);
    expect(matcher.allows(found as NonNullable<typeof found>, `const key = "${docsKey}";`)).toBe(true);
    expect(matcher.skipsPath("docs/setup/aws.txt")).toBe(true);
    expect(matcher.skipsPath("README.md")).toBe(true);
    expect(matcher.skipsPath("src/config.ts")).toBe(false);
  });

  it("a bad allowlist regex or fingerprint is one sentence with the line", async () => {
    await expect(readSecretsAllowlist('regexes: ["(unclosed"]\n', "a.yml")).rejects.toThrow(/^a\.yml, line 1: regexes\[0\]: .*valid regular expression/);
    await expect(readSecretsAllowlist("fingerprints: [abc]\n", "a.yml")).rejects.toThrow(/a\.yml, line 1: fingerprints\[0\]: .*32-character fingerprint/);
  });

  it("the baseline turns a known finding into a notice; a new one still fails", () => {
    const found = scanForSecrets("a.env", `A=${join("npm_", "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8")}\nB=${join("glpat-", "xY7zQ2wE9rT4uI1oP6aS")}\n`);
    const baseline = parseSecretsBaseline(JSON.stringify([found[0]?.fingerprint]), "baseline.json");
    const result = evaluateSecrets({ found, allowed: 0, baseline, filesScanned: 1, skippedFiles: [] });
    expect(result.checks[0]).toMatchObject({ id: "secrets.found", status: "fail", measured: 1 });
    expect(result.findings.map((finding) => [finding.id, finding.severity])).toEqual([
      ["gitlab-token", "error"],
      ["npm-token", "notice"],
    ]);
    // An earlier report is a baseline too.
    const report = { predicate: { findings: result.findings } };
    expect(parseSecretsBaseline(JSON.stringify(report), "r.json")).toEqual(new Set(found.map((finding) => finding.fingerprint)));
    expect(() => parseSecretsBaseline('{"a": 1}', "r.json")).toThrow(
      /^r\.json: expected a secrets baseline: a JSON list of fingerprints or an earlier security-gate report/,
    );
  });

  it("reads gitleaks's JSON report (the corpus's json_simple) and redacts the secret it carries", () => {
    const findings = parseGitleaksReport(fixture("security/audit/gitleaks.report.json_simple.json"), "gitleaks.json");
    expect(findings).toEqual([expect.objectContaining({ rule: "test-rule", path: "auth.py", line: 1, redacted: "[8 chars]", source: "gitleaks" })]);
    expect(JSON.stringify(findings)).not.toContain("a secret");
    expect(() => parseGitleaksReport('[{"RuleID": 1}]', "g.json")).toThrow(/^g\.json: expected a gitleaks JSON report: \[0\]\.RuleID: /);
  });
});
