import { resolve } from "node:path";
import { renderBlockingFindings, renderMarkdown, renderText, securityMarkdownSections, securityOverrides } from "@release-gates/core";
import { readGitLabContext, runSecurityGate, writeSecurityDocuments } from "@release-gates/platform";
import { choiceOption, parseCommandLine } from "./args.js";
import { type CommandIo, writeOutput } from "./io.js";

export const SECURITY_HELP = `Usage: release-gates security [options]

Matches the project's dependencies against advisories offline, scans for
hardcoded secrets, checks licences, audits and reviews, decides against the
policy and the accepted-risk register, and writes the gate report.

Options:
  --sbom FILE               CycloneDX (1.4–1.6) or SPDX 2.3 JSON SBOM, or an npm lock file read directly
                            (default: generate one with @cyclonedx/cyclonedx-npm from package.json and the lock file)
  --sbom-out FILE           where a generated SBOM is written (default: release-gates/sbom.cdx.json)
  --advisories DIR|ZIP      an OSV snapshot: a directory of advisory JSON files or a zip of them
  --npm-audit FILE          npm audit --json (v2) output
  --fail-on SEVERITY        critical, high (default), medium or low: findings at or above fail
  --accept-from SEVERITY    findings from here up to --fail-on need an accepted risk (default: medium)
  --scope LIST              runtime (default) and/or development, space-separated
  --only-fixable            count only findings with a fixed version
  --risk-register FILE      accepted risks (default: security/accepted-risks.yml if present)
  --max-snapshot-age DUR    warn when the newest advisory is older than this (e.g. 7d)
  --secrets                 also scan the repository's files for hardcoded secrets
  --secrets-diff REF        scan only the lines changed since REF (a pull request's base)
  --secrets-allowlist FILE  paths, line regexes and fingerprints that are not secrets (default: security/secrets-allowlist.yml if present)
  --secrets-baseline FILE   known findings, reported but not failing (fingerprints, or an earlier report)
  --gitleaks-report FILE    include a gitleaks JSON report
  --audits FILE             check the audit manifest (default file: audits/audits.yml): independent
                            audits of each contract since the audited commit, published reports, findings
  --require-pen-test        a recent penetration test must cover the environment (in the audit manifest)
  --static-analysis FILE    decide a SARIF 2.1.0 log's results (Slither, Semgrep…) as audit findings (repeatable)
  --checklist FILE          every item of this Markdown checklist must be ticked (repeatable)
  --policy FILE             policy file (default: release-gates.yml if present)
  --env NAME                apply this environment's settings from the policy
  --report-out FILE         write the gate report (JSON) here (default: release-gates/security-report.json)
  --summary-out FILE        also write the Markdown summary here
  --sarif-out FILE          also write the findings as SARIF 2.1.0 (for GitHub code scanning)
  --vex-out FILE            also publish the unexpired accepted risks as a CycloneDX 1.6 VEX document
  --dependency-scanning-out FILE
                            also write the vulnerable dependencies as a GitLab dependency_scanning report
  --secret-detection-out FILE
                            also write the secrets found as a GitLab secret_detection report (redacted)
  --format F                what to print: text (default), markdown or json
  --cwd DIR                 project directory (default: the current directory)
  -h, --help                this help

Exit codes: 0 pass (or warn), 1 gate failed, 2 bad usage or unreadable input, 3 internal error.
`;

export async function securityCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const values = parseCommandLine(args, {
    sbom: { type: "string" },
    "sbom-out": { type: "string" },
    advisories: { type: "string" },
    "npm-audit": { type: "string" },
    "fail-on": { type: "string" },
    "accept-from": { type: "string" },
    scope: { type: "string", multiple: true },
    "only-fixable": { type: "boolean" },
    "risk-register": { type: "string" },
    "max-snapshot-age": { type: "string" },
    secrets: { type: "boolean" },
    "secrets-diff": { type: "string" },
    "secrets-allowlist": { type: "string" },
    "secrets-baseline": { type: "string" },
    "gitleaks-report": { type: "string" },
    audits: { type: "string" },
    "require-pen-test": { type: "boolean" },
    "static-analysis": { type: "string", multiple: true },
    checklist: { type: "string", multiple: true },
    policy: { type: "string" },
    env: { type: "string" },
    "report-out": { type: "string" },
    "summary-out": { type: "string" },
    "sarif-out": { type: "string" },
    "vex-out": { type: "string" },
    "dependency-scanning-out": { type: "string" },
    "secret-detection-out": { type: "string" },
    format: { type: "string" },
    cwd: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout(SECURITY_HELP);
    return 0;
  }
  const format = choiceOption(values.format, "--format", ["text", "markdown", "json"] as const, "text");
  const overrides = securityOverrides(
    (name) => {
      const value = values[name];
      return Array.isArray(value) ? value.join("\n") : value === true ? "true" : typeof value === "string" ? value : undefined;
    },
    (name) => `--${name}`,
  );

  const cwd = resolve(io.cwd, typeof values.cwd === "string" ? values.cwd : ".");
  const gitlab = readGitLabContext(io.env);
  const result = await runSecurityGate({
    cwd,
    policyPath: values.policy as string | undefined,
    environment: values.env as string | undefined,
    overrides,
    subject: { name: gitlab?.projectPath ?? io.env.GITHUB_REPOSITORY, commit: gitlab?.commitSha },
  });
  const { report } = result;

  const reportOut = typeof values["report-out"] === "string" ? resolve(io.cwd, values["report-out"]) : resolve(cwd, "release-gates/security-report.json");
  await writeOutput(reportOut, `${JSON.stringify(report, null, 2)}\n`);
  const markdown = renderMarkdown(report, securityMarkdownSections(report));
  if (typeof values["summary-out"] === "string") await writeOutput(resolve(io.cwd, values["summary-out"]), markdown);
  const documents = ["sarif-out", "vex-out", "dependency-scanning-out", "secret-detection-out"] as const;
  await writeSecurityDocuments(
    result,
    Object.fromEntries(documents.flatMap((flag) => (typeof values[flag] === "string" ? [[flag, resolve(io.cwd, values[flag])]] : []))),
  );
  if (format === "json") io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else if (format === "markdown") io.stdout(markdown);
  else io.stdout(`${renderText(report)}${renderBlockingFindings(report.predicate.findings)}Report: ${reportOut}\n`);
  return report.predicate.status === "fail" ? 1 : 0;
}
