import { readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createTestRepo, type TestRepo } from "@release-gates/test-helpers/git-repo";
import { afterEach, describe, expect, it } from "vitest";
import { runSecurityGate } from "../src/gates/security.js";

// Assembled at run time: this file holds no whole secret.
const TOKEN = ["ghp_", "R8s2Kq9LmZx4Tv7Wn1Pb6Yc3Hd5Jf0GaE2uQ"].join("");
const NPM = ["npm_", "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"].join("");
const DOCS_KEY = ["AKIA", "IOSFODNN7EXAMPLE"].join("");
let repo: TestRepo;
afterEach(() => repo?.remove());

const gate = (overrides: Parameters<typeof runSecurityGate>[0]["overrides"]) =>
  runSecurityGate({ cwd: repo.dir, overrides, clock: () => new Date("2026-11-26T10:00:00Z") });

describe("secrets scan on a real git repository", () => {
  it("finds a committed token with file and line, skips binaries, big files, untracked-ignored files and allowlisted docs, and never prints the secret", async () => {
    repo = createTestRepo({
      ".gitignore": "local.env\n",
      "src/config.ts": `export const name = "app";\nexport const token = "${TOKEN}";\n`,
      "docs/aws.md": `Set the key, e.g. ${DOCS_KEY}.\n`,
      "src/sample.ts": `// the AWS docs' example key\nconst example = "${DOCS_KEY}";\n`,
      "assets/big.js": `var t="${NPM}";\n${"x".repeat(2_000_000)}\n`,
      "local.env": `NPM_TOKEN=${NPM}\n`,
      "security/secrets-allowlist.yml": 'paths: ["docs/**"]\nregexes: ["IOSFODNN7EXAMPLE"]\n',
    });
    writeFileSync(join(repo.dir, "assets/logo.bin"), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(`k=${NPM}`)]));
    repo.commit("app");
    const { report, secrets } = await gate({ secrets: { scan: true } as never });
    expect(report.predicate.status).toBe("fail");
    expect(report.predicate.checks.map((check) => check.id)).toEqual(["secrets.found"]);
    expect(report.predicate.findings).toEqual([
      expect.objectContaining({ id: "github-token", severity: "error", location: { path: "src/config.ts", startLine: 2 } }),
    ]);
    expect(secrets?.details).toMatchObject({ allowed: 1, skippedFiles: ["assets/big.js"] });
    expect(JSON.stringify(report)).not.toContain(TOKEN);
    expect(JSON.stringify(report)).not.toContain(NPM);
    expect(report.predicate.inputs.map((input) => input.format)).toEqual(["secrets-allowlist", expect.stringMatching(/^secrets-scan \(\d+ files\)$/)]);
  });

  it("diff mode sees only what the branch added; a baseline (the earlier report) turns known findings into notices", async () => {
    repo = createTestRepo({ "old.env": `TOKEN=${TOKEN}\n`, "app.ts": "export {};\n" });
    repo.commit("old secret on main");
    const first = await gate({ secrets: { scan: true } as never });
    writeFileSync(join(repo.dir, "baseline.json"), JSON.stringify(first.report));
    repo.git("checkout", "-q", "-b", "feature");
    repo.write({ "app.ts": `export {};\nconst npm = "${NPM}";\n` });
    repo.commit("a new secret on the branch");

    const diff = await gate({ secrets: { scan: true, diffBase: "main" } as never });
    expect(diff.report.predicate.findings.map((finding) => `${finding.id} ${finding.location?.path}:${finding.location?.startLine}`)).toEqual([
      "npm-token app.ts:2",
    ]);

    const whole = await gate({ secrets: { scan: true, baseline: "baseline.json" } as never });
    expect(whole.report.predicate.findings.map((finding) => `${finding.id} ${finding.severity}`)).toEqual(["npm-token error", "github-token notice"]);
    expect(readFileSync(join(repo.dir, "baseline.json"), "utf8")).not.toContain(TOKEN);
  });

  it("a gitleaks report joins the scan; the same line is reported once", async () => {
    repo = createTestRepo({ "a.env": `TOKEN=${TOKEN}\n` });
    repo.commit("a");
    const leaks = [
      { RuleID: "github-pat", Description: "GitHub PAT", File: "a.env", StartLine: 1, Secret: TOKEN },
      { RuleID: "generic-api-key", Description: "Generic API Key", File: "ci/deploy.sh", StartLine: 7, Secret: "s3cr3t-v4lue-from-gitleaks" },
    ];
    writeFileSync(join(repo.dir, "gitleaks.json"), JSON.stringify(leaks));
    const { report } = await gate({ secrets: { scan: true, gitleaksReport: "gitleaks.json" } as never });
    expect(report.predicate.findings.map((finding) => `${finding.id} ${finding.location?.path}:${finding.location?.startLine}`)).toEqual([
      "github-token a.env:1",
      "generic-api-key ci/deploy.sh:7",
    ]);
    expect(JSON.stringify(report)).not.toContain("s3cr3t-v4lue-from-gitleaks");
  });

  it("a diff base that is not in the clone is one sentence saying how to fetch it", async () => {
    repo = createTestRepo({ "a.txt": "a\n" });
    repo.commit("a");
    await expect(gate({ secrets: { scan: true, diffBase: "origin/main" } as never })).rejects.toThrow(
      /^secrets\.diffBase: expected a commit or branch present in this clone, found "origin\/main"/,
    );
  });

  it("a secret in a file's name is a finding, and every path shown (findings, skipped files, SARIF, GitLab) is redacted", async () => {
    repo = createTestRepo({
      [`keys/${TOKEN}.txt`]: "nothing to see\n",
      [`dumps/${NPM}/big.log`]: `${"x".repeat(2_000_000)}\n`,
      [`notes/${NPM}.md`]: `token = "${TOKEN}"\n`,
    });
    repo.commit("keys as names");
    const { report, secrets } = await gate({ secrets: { scan: true } as never });
    const described = report.predicate.findings.map((finding) => `${finding.id} ${finding.location?.path}:${finding.location?.startLine}`);
    expect(described.sort()).toEqual([
      "github-token keys/ghp_…[40 chars].txt:1",
      "github-token notes/npm_…[40 chars].md:1",
      "npm-token dumps/npm_…[40 chars]/big.log:1",
      "npm-token notes/npm_…[40 chars].md:1",
    ]);
    expect(report.predicate.findings.find((finding) => finding.location?.path === "keys/ghp_…[40 chars].txt")?.message).toBe(
      "keys/ghp_…[40 chars].txt: GitHub token ghp_…[40 chars] in the file's name; rename the file, rotate the credential, and load it from the environment or a secret store.",
    );
    expect(secrets?.details.skippedFiles).toEqual(["dumps/npm_…[40 chars]/big.log"]);
    const { securityGate, renderSecuritySarif, renderSecretDetectionReport } = await import("@release-gates/core/security");
    const renderers = await securityGate.renderers();
    const everything = [
      JSON.stringify(report),
      JSON.stringify(renderSecuritySarif(report)),
      JSON.stringify(renderSecretDetectionReport(report)),
      renderers.markdownSections(report).join("\n"),
    ].join("\n");
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(NPM);
  });

  it("secret findings are SARIF results at their file and line, redacted, fingerprinted as the report fingerprints them", async () => {
    repo = createTestRepo({ "src/config.ts": `export const name = "app";\nexport const token = "${TOKEN}";\n` });
    repo.commit("app");
    const { report } = await gate({ secrets: { scan: true } as never });
    const { renderSecuritySarif } = await import("@release-gates/core/security");
    const [run] = renderSecuritySarif(report).runs;
    expect(run?.tool.driver.rules).toEqual([
      expect.objectContaining({ id: "secret/github-token", properties: { "security-severity": "9.5", tags: ["security", "secret"] } }),
    ]);
    expect(run?.results).toEqual([
      expect.objectContaining({
        ruleId: "secret/github-token",
        level: "error",
        locations: [{ physicalLocation: { artifactLocation: { uri: "src/config.ts" }, region: { startLine: 2 } } }],
        partialFingerprints: { "releaseGatesSecret/v1": report.predicate.findings[0]?.properties?.fingerprint },
        properties: { redacted: "ghp_…[40 chars]", source: "scan", baseline: false },
      }),
    ]);
  });

  it("a link is scanned as what git stores (the path it points to), never followed out of the tree", async () => {
    const outside = createTestRepo({ id_rsa: `-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n` });
    repo = createTestRepo({ "README.md": "app\n" });
    symlinkSync(join(outside.dir, "id_rsa"), join(repo.dir, "deploy_key"));
    repo.commit("a link to a key outside");
    try {
      const { report } = await gate({ secrets: { scan: true } as never });
      expect(report.predicate.findings).toEqual([]);
      expect(report.predicate.status).toBe("pass");
    } finally {
      outside.remove();
    }
  });

  it("a gitleaks report that cannot be read never shows its values", async () => {
    repo = createTestRepo({ "a.txt": "a\n" });
    repo.commit("a");
    writeFileSync(join(repo.dir, "broken.json"), `[{"RuleID": "x", "File": "a", "StartLine": 1, "Secret": "${TOKEN}"`);
    writeFileSync(join(repo.dir, "typed.json"), JSON.stringify([{ RuleID: "x", File: "a", StartLine: TOKEN, Secret: TOKEN }]));
    for (const file of ["broken.json", "typed.json"]) {
      const error = await gate({ secrets: { scan: false, gitleaksReport: file } as never }).catch((caught: unknown) => caught as Error);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(new RegExp(`^${file}: expected a gitleaks JSON report`));
      expect((error as Error).message).not.toContain(TOKEN.slice(4, 12));
    }
  });
});
