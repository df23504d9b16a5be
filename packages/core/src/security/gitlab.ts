import { sha256 } from "../report/build.js";
import type { GateReport } from "../report/schema.js";
import { TOOL_NAME, TOOL_VERSION } from "../version.js";
import { dependencyFindings } from "./evaluate.js";
import { secretFindings } from "./secrets.js";

/**
 * GitLab's security report format (the `dependency_scanning` and
 * `secret_detection` report artifacts), version 15: a `scan` object naming
 * the analyser and the run, and one vulnerability per finding with
 * identifiers, a severity and a location of the report type's shape.
 */
export const GITLAB_SECURITY_REPORT_VERSION = "15.2.1";

type GitLabSeverity = "Critical" | "High" | "Medium" | "Low" | "Info" | "Unknown";

interface Identifier {
  type: string;
  name: string;
  value: string;
  url?: string;
}

export interface GitLabVulnerability {
  id: string;
  name: string;
  description?: string;
  severity: GitLabSeverity;
  solution?: string;
  identifiers: Identifier[];
  links?: { url: string }[];
  location: Record<string, unknown>;
}

export interface GitLabSecurityReport {
  version: string;
  scan: {
    analyzer: { id: string; name: string; version: string; vendor: { name: string } };
    scanner: { id: string; name: string; version: string; vendor: { name: string } };
    type: "dependency_scanning" | "secret_detection";
    start_time: string;
    end_time: string;
    status: "success" | "failure";
  };
  vulnerabilities: GitLabVulnerability[];
}

const SEVERITY: Record<string, GitLabSeverity> = { critical: "Critical", high: "High", medium: "Medium", low: "Low", unknown: "Unknown" };

/** GitLab's schema wants seconds, no zone: `2026-11-26T10:00:00`. */
const gitlabTime = (iso: string) => iso.slice(0, 19);

/** A stable id per occurrence (GitLab recommends a UUID): the same finding keeps its id across pipelines. */
function occurrenceId(...parts: readonly string[]): string {
  const hex = sha256(parts.join("\u0000"));
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function advisoryIdentifier(id: string): Identifier {
  if (id.startsWith("GHSA-")) return { type: "ghsa", name: id, value: id, url: `https://github.com/advisories/${id}` };
  if (id.startsWith("CVE-")) return { type: "cve", name: id, value: id, url: `https://www.cve.org/CVERecord?id=${id}` };
  return { type: "osv", name: id, value: id, url: `https://osv.dev/vulnerability/${id}` };
}

function envelope(report: GateReport, type: GitLabSecurityReport["scan"]["type"], vulnerabilities: GitLabVulnerability[]): GitLabSecurityReport {
  const tool = { id: TOOL_NAME, name: TOOL_NAME, version: TOOL_VERSION, vendor: { name: TOOL_NAME } };
  return {
    version: GITLAB_SECURITY_REPORT_VERSION,
    scan: {
      analyzer: { ...tool, id: "security-gate", name: "release-gates security gate" },
      scanner: tool,
      type,
      start_time: gitlabTime(report.predicate.startedAt),
      end_time: gitlabTime(report.predicate.finishedAt),
      status: "success",
    },
    vulnerabilities,
  };
}

/**
 * The gate's vulnerable dependencies as a `dependency_scanning` report:
 * every match, whatever the policy decided (accepted and out-of-scope ones
 * are still vulnerabilities for GitLab's vulnerability report), located in
 * the SBOM or lock file they were read from.
 */
export function renderDependencyScanningReport(report: GateReport): GitLabSecurityReport {
  const vulnerabilities = dependencyFindings(report).map(({ finding, properties: p }): GitLabVulnerability => {
    const file = finding.location?.path ?? "package-lock.json";
    const ids = [p.advisory, ...p.aliases.filter((alias) => alias !== p.advisory)];
    return {
      id: occurrenceId("dependency_scanning", p.advisory, p.package, p.version ?? "", file),
      name: p.summary || p.advisory,
      description: finding.message,
      severity: SEVERITY[p.severity] ?? "Unknown",
      ...(p.fixedIn ? { solution: `Upgrade ${p.package} to ${p.fixedIn} or later.` } : {}),
      identifiers: ids.map(advisoryIdentifier),
      links: [{ url: `https://osv.dev/vulnerability/${p.advisory}` }],
      location: {
        file,
        dependency: { package: { name: p.package }, version: p.version ?? "unknown" },
      },
    };
  });
  return envelope(report, "dependency_scanning", vulnerabilities);
}

/**
 * The gate's hardcoded secrets as a `secret_detection` report. Only the
 * redacted form travels: no `raw_source_code_extract`, which would carry
 * the secret into GitLab's vulnerability pages.
 */
export function renderSecretDetectionReport(report: GateReport): GitLabSecurityReport {
  const commit = report.subject[0]?.digest.gitCommit ?? "0000000";
  const vulnerabilities = secretFindings(report).map(
    ({ finding, properties: p }): GitLabVulnerability => ({
      id: occurrenceId("secret_detection", p.fingerprint),
      name: p.description ?? p.rule,
      description: finding.message,
      severity: "Critical",
      solution: "Remove the secret, rotate the credential, and load it from the environment or a secret store.",
      identifiers: [{ type: "release_gates_rule_id", name: `release-gates rule ${p.rule}`, value: p.rule }],
      location: {
        file: finding.location.path,
        start_line: finding.location.startLine ?? 1,
        end_line: finding.location.startLine ?? 1,
        commit: { sha: commit },
      },
    }),
  );
  return envelope(report, "secret_detection", vulnerabilities);
}
