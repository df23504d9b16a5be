import { fixture } from "@release-gates/test-helpers/fixtures";
import { describe, expect, it } from "vitest";
import { codeownersSyntaxOf, ownersOf, parseCodeowners, platformCodeownersFindings } from "../../src/signoff/codeowners.js";
import { parseGitHubCodeownersErrors } from "../../src/signoff/responses.js";

const read = (name: string) => fixture(`signoff/${name}`);
const owners = (codeowners: ReturnType<typeof parseCodeowners>, path: string) =>
  ownersOf(codeowners, path).map(({ section, rule }) => `${section.name}: ${rule.owners.join(" ")}`);
const rules = (codeowners: ReturnType<typeof parseCodeowners>) => codeowners.sections.flatMap((section) => section.rules);

describe("which syntax a CODEOWNERS file is read with", () => {
  it.each([
    ["the policy's, whatever the file", ".github/CODEOWNERS", "[Docs]\n*.md @a\n", "github", "gitlab", "github"],
    ["GitLab's for a file under .gitlab/", ".gitlab/CODEOWNERS", "* @a\n", "auto", "github", "gitlab"],
    ["GitLab's for a file with sections", "CODEOWNERS", "^[Optional]\n*.md @a\n", "auto", "github", "gitlab"],
    ["the platform's otherwise", "CODEOWNERS", "* @a\n", "auto", "gitlab", "gitlab"],
    ["GitHub's when the platform is unknown", "docs/CODEOWNERS", "* @a\n", "auto", undefined, "github"],
  ] as const)("%s", (_case, location, text, setting, platform, expected) => {
    expect(codeownersSyntaxOf(location, text, setting, platform)).toBe(expected);
  });
});

describe("CODEOWNERS as GitHub reads it", () => {
  it("cli/cli: the last matching pattern wins, a pattern without a slash at the end owns a file or a directory", () => {
    const codeowners = parseCodeowners(read("codeowners-github-teams.cli-cli.CODEOWNERS"), ".github/CODEOWNERS", "github");
    expect(codeowners.findings).toEqual([]);
    expect(rules(codeowners)).toHaveLength(6);
    expect(owners(codeowners, "README.md")).toEqual(["CODEOWNERS: @cli/code-reviewers"]);
    expect(owners(codeowners, "pkg/cmd/codespace/ssh.go")).toEqual(["CODEOWNERS: @cli/codespaces"]);
    expect(owners(codeowners, "pkg/cmd/attestation/verify/verify.go")).toEqual(["CODEOWNERS: @cli/package-security"]);
    expect(owners(codeowners, "pkg/cmd/attestation/verification/embed/tuf-repo.github.com/root.json")).toEqual(["CODEOWNERS: @cli/tuf-root-reviewers"]);
    expect(owners(codeowners, "test/integration/attestation-cmd/run.sh")).toEqual(["CODEOWNERS: @cli/package-security"]);
    expect(owners(codeowners, "test/integration/attestation-cmd")).toEqual(["CODEOWNERS: @cli/package-security"]);
  });

  it("opentelemetry-js: 15 rules, every owner a team, globs with ** across directories", () => {
    const codeowners = parseCodeowners(read("codeowners-github-teams.opentelemetry-js.CODEOWNERS"), ".github/CODEOWNERS", "github");
    expect(codeowners.findings).toEqual([]);
    const all = rules(codeowners);
    expect(all).toHaveLength(15);
    expect(new Set(all.flatMap((rule) => rule.owners))).toEqual(
      new Set(["@open-telemetry/javascript-approvers", "@open-telemetry/javascript-maintainers", "@open-telemetry/browser-maintainers"]),
    );
    expect(all.filter((rule) => rule.owners.length === 2)).toHaveLength(11);
    const browser = owners(codeowners, "experimental/packages/exporter-trace-otlp-http/src/platform/browser/index.ts");
    expect(browser[0]).toContain("@open-telemetry/browser-maintainers");
  });

  it("ggshield's merged mistake: an owner where the pattern should be is a finding, and owns nothing", () => {
    const codeowners = parseCodeowners(read("codeowners-github-INVALID-owner-without-pattern.ggshield.CODEOWNERS"), ".github/CODEOWNERS", "github");
    expect(rules(codeowners)).toHaveLength(0);
    expect(codeowners.findings).toHaveLength(1);
    expect(codeowners.findings[0]?.message).toContain("line 1");
    expect(codeowners.findings[0]?.message).toContain("is an owner where the pattern should be");
    expect(owners(codeowners, "ggshield/__main__.py")).toEqual([]);
  });

  it("what GitHub ignores without a word is a finding: negation, [ ] ranges, a broken owner; \\# escapes and an empty owner list un-owns", () => {
    const text = ["* @acme/everyone", "!docs/ @acme/docs", "src/[ab]*.ts @alice", "*.txt docs@", "\\#notes.md @bob", "generated/", ""].join("\n");
    const codeowners = parseCodeowners(text, "CODEOWNERS", "github");
    expect(codeowners.findings.map((finding) => finding.location?.startLine)).toEqual([2, 3, 4]);
    expect(owners(codeowners, "#notes.md")).toEqual(["CODEOWNERS: @bob"]);
    expect(owners(codeowners, "generated/api.ts")).toEqual([]);
    expect(owners(codeowners, "docs/index.md")).toEqual(["CODEOWNERS: @acme/everyone"]);
  });

  it("a pattern longer than any path is a finding, never a regular expression too large to build", () => {
    const codeowners = parseCodeowners(`${"@G".repeat(20_000)}/x.ts @acme/team\n* @acme/all\n`, "CODEOWNERS", "github");
    expect(codeowners.findings.map((finding) => finding.message)).toEqual([
      "CODEOWNERS line 1: a pattern of 40005 characters is no path (at most 1024); GitHub ignores this line, so nobody's approval is required for it",
    ]);
    expect(owners(codeowners, "src/a.ts")).toEqual(["CODEOWNERS: @acme/all"]);
  });

  it("GitHub's codeowners/errors (the documented example) adds the lines our reading did not already report", () => {
    const errors = parseGitHubCodeownersErrors(JSON.parse(read("api-github-repos-codeowners-errors.openapi-example.codeowners-errors.json")), "errors");
    expect(errors.map((error) => [error.line, error.kind])).toEqual([
      [3, "Invalid pattern"],
      [7, "Invalid owner"],
    ]);
    const codeowners = parseCodeowners("# comment\n* @a\n***/*.rb @monalisa\n", ".github/CODEOWNERS", "github");
    expect(codeowners.findings.map((finding) => finding.location?.startLine)).toEqual([3]);
    expect(platformCodeownersFindings(codeowners, errors).map((finding) => finding.location?.startLine)).toEqual([7]);
  });
});

describe("CODEOWNERS as GitLab reads it", () => {
  it("omnibus-gitlab: 6 sections (3 optional), 8 exclusions, lines without owners take the section's", () => {
    const codeowners = parseCodeowners(read("codeowners-gitlab-sections-optional-exclusions.omnibus-gitlab.CODEOWNERS"), ".gitlab/CODEOWNERS", "gitlab");
    expect(codeowners.findings).toEqual([]);
    const named = codeowners.sections.filter((section) => section.name !== "Default");
    expect(named).toHaveLength(6);
    expect(named.filter((section) => section.optional).map((section) => section.name)).toEqual(["Container Registry", "Legal", "Documentation Directories"]);
    expect(rules(codeowners)).toHaveLength(28);
    expect(rules(codeowners).filter((rule) => rule.excluded)).toHaveLength(8);
    // The `*` rule's owners, excluded for docs: a docs page needs no approval from the default section.
    expect(owners(codeowners, "doc/settings/nginx.md").some((entry) => entry.startsWith("Default:"))).toBe(false);
    expect(owners(codeowners, "files/gitlab-cookbooks/gitlab/recipes/default.rb")[0]).toMatch(/^Default: @gitlab-org\/maintainers\/distribution-build/);
    expect(owners(codeowners, "config/software/gitlab-rails.rb")).toContain("Distribution Build: @gitlab-org/maintainers/distribution-build");
  });

  it("nvidia-warp: 16 sections, 13 optional, 74 path lines all inheriting their section's owners", () => {
    const codeowners = parseCodeowners(read("codeowners-gitlab-sections-default-owners.nvidia-warp.CODEOWNERS"), ".gitlab/CODEOWNERS", "gitlab");
    expect(codeowners.findings).toEqual([]);
    expect(codeowners.sections).toHaveLength(16);
    expect(codeowners.sections.filter((section) => section.optional)).toHaveLength(13);
    expect(rules(codeowners)).toHaveLength(74);
    for (const rule of rules(codeowners)) expect(rule.owners.length, `line ${rule.line}`).toBeGreaterThan(0);
  });

  it("Kitware SMTK: e-mail owners; a path no rule names has no owner", () => {
    const codeowners = parseCodeowners(read("codeowners-gitlab-email-owners.kitware-smtk.CODEOWNERS"), ".gitlab/CODEOWNERS", "gitlab");
    expect(codeowners.findings).toEqual([]);
    expect(rules(codeowners)).toHaveLength(24);
    expect(new Set(rules(codeowners).flatMap((rule) => rule.owners)).size).toBe(4);
    expect(rules(codeowners).every((rule) => rule.owners.every((owner) => owner.endsWith("@kitware.com")))).toBe(true);
    expect(owners(codeowners, "smtk/attribute/Definition.cxx")).toHaveLength(1);
    expect(owners(codeowners, "LICENSE.txt")).toEqual([]);
  });

  it("[Section][2] asks for two approvals; a later section of the same name joins the first", () => {
    const codeowners = parseCodeowners("[Contracts][2] @acme/security\ncontracts/\n[Docs] @dora\ndocs/\n[contracts]\n/audits/\n", "CODEOWNERS", "gitlab");
    expect(codeowners.sections.map((section) => [section.name, section.approvals, section.rules.length])).toEqual([
      ["Contracts", 2, 2],
      ["Docs", 1, 1],
    ]);
    expect(owners(codeowners, "contracts/Token.sol")).toEqual(["Contracts: @acme/security"]);
  });
});
