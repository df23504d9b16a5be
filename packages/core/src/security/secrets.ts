import picomatch from "picomatch";
import * as z from "zod";
import { ConfigurationError } from "../errors.js";
import { sha256 } from "../report/build.js";
import type { Check, Finding, GateReport } from "../report/schema.js";
import { parseJsonText, validateAs } from "../validation.js";
import { readYamlMapping } from "../yaml-plain.js";

export interface SecretRule {
  id: string;
  description: string;
  /** Cheap substrings (lower case) one of which a line must contain before the regex runs. */
  keywords: readonly string[];
  /** Group 1, when present, is the secret; otherwise the whole match. */
  pattern: RegExp;
  /** Least Shannon entropy (bits per character) of the secret: placeholders and words are not keys. */
  minEntropy?: number;
  /** Extra test on the secret, e.g. that a JWT's header decodes to JSON. */
  accept?: (secret: string) => boolean;
}

const HEX_OR_UUID = /^(?:[0-9a-f]+|[0-9A-F]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

function jwtHeaderIsJson(token: string): boolean {
  try {
    const header = JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString("utf8")) as unknown;
    return typeof header === "object" && header !== null && "alg" in header;
  } catch {
    return false;
  }
}

/**
 * The built-in rules: the key formats of the big clouds and platforms, private
 * keys, JWTs, and generic high-entropy assignments to secret-sounding names.
 * Hashes and UUIDs are not secrets: the generic rule refuses hex and UUIDs.
 */
export const SECRET_RULES: readonly SecretRule[] = [
  {
    id: "aws-access-key-id",
    description: "AWS access key ID",
    keywords: ["akia", "asia", "abia", "acca"],
    pattern: /\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b/g,
    minEntropy: 3,
  },
  {
    id: "aws-secret-access-key",
    description: "AWS secret access key",
    keywords: ["aws"],
    pattern: /aws.{0,20}?secret.{0,20}?[=:]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
    minEntropy: 4,
  },
  {
    id: "github-token",
    description: "GitHub token",
    keywords: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
    pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,251})\b/g,
    minEntropy: 3,
  },
  {
    id: "github-fine-grained-token",
    description: "GitHub fine-grained token",
    keywords: ["github_pat_"],
    pattern: /\b(github_pat_[A-Za-z0-9_]{82})\b/g,
    minEntropy: 3,
  },
  { id: "gitlab-token", description: "GitLab personal access token", keywords: ["glpat-"], pattern: /\b(glpat-[A-Za-z0-9_-]{20,})/g, minEntropy: 3 },
  { id: "slack-token", description: "Slack token", keywords: ["xox"], pattern: /\b(xox[abposr]-[0-9]{8,}-[A-Za-z0-9-]{8,})/g, minEntropy: 3 },
  { id: "stripe-secret-key", description: "Stripe live secret key", keywords: ["_live_"], pattern: /\b((?:sk|rk)_live_[A-Za-z0-9]{24,})\b/g, minEntropy: 3 },
  { id: "google-api-key", description: "Google API key", keywords: ["aiza"], pattern: /\b(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])/g, minEntropy: 3 },
  { id: "npm-token", description: "npm access token", keywords: ["npm_"], pattern: /\b(npm_[A-Za-z0-9]{36})\b/g, minEntropy: 3 },
  {
    id: "private-key",
    description: "Private key",
    keywords: ["private key"],
    pattern: /(-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)/g,
  },
  {
    id: "jwt",
    description: "JSON Web Token",
    keywords: ["eyj"],
    // A token starts where a run of token characters starts: "eyJ-eyJ-…" is one run, tried once (linear), not once per "eyJ" (quadratic).
    pattern: /(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})/g,
    minEntropy: 3,
    accept: jwtHeaderIsJson,
  },
  {
    id: "generic-secret",
    description: "High-entropy value assigned to a secret-sounding name",
    keywords: ["secret", "token", "passw", "api_key", "apikey", "api-key", "private_key", "credential"],
    pattern: /(?:secret|token|passw(?:or)?d|api[_-]?key|private[_-]?key|credentials?)[\w.-]{0,20}["']?\s*(?::=|=>|[=:])\s*["'`]([^"'`\s]{16,})["'`]/gi,
    minEntropy: 4,
    accept: (secret) => !HEX_OR_UUID.test(secret) && !/^\$\{?[\w.]+\}?$/.test(secret),
  },
];

/** Shannon entropy of a string in bits per character. */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

/** What may be shown of a secret: its first four characters and its length, never more. */
export function redactSecret(secret: string): string {
  return secret.length <= 8 ? `[${secret.length} chars]` : `${secret.slice(0, 4)}…[${secret.length} chars]`;
}

/** Stable across line moves, different per file and secret; the secret cannot be read back from it. */
export function secretFingerprint(ruleId: string, path: string, secret: string): string {
  return sha256(`${ruleId}\u0000${path}\u0000${secret}`).slice(0, 32);
}

export interface SecretFinding {
  rule: string;
  description: string;
  path: string;
  line: number;
  /** Redacted: see redactSecret. */
  redacted: string;
  fingerprint: string;
  /** Where the finding came from: this scan or a gitleaks report. */
  source: "scan" | "gitleaks";
  /** The secret is in the file's name, not its content. */
  inName?: boolean;
}

/** A secret in one line of text: which rule, the secret, and where it sits in the line. */
interface SecretHit {
  rule: SecretRule;
  secret: string;
  start: number;
  end: number;
}

/** The secrets in one line, each once: rules run most specific first, and a later rule's hit on text an earlier one claimed is the same secret. */
function secretsInLine(line: string, rules: readonly SecretRule[]): SecretHit[] {
  const hits: SecretHit[] = [];
  const lower = line.toLowerCase();
  // Claims are kept sorted and a rule's matches come in order, so one pass per rule finds overlaps (not one per match).
  let claimed: [number, number][] = [];
  for (const rule of rules) {
    if (!rule.keywords.some((keyword) => lower.includes(keyword))) continue;
    const added: [number, number][] = [];
    let earlier = 0;
    for (const match of line.matchAll(rule.pattern)) {
      const secret = match[1] ?? match[0];
      const start = (match.index ?? 0) + match[0].indexOf(secret);
      const end = start + secret.length;
      while (earlier < claimed.length && (claimed[earlier] as [number, number])[1] <= start) earlier += 1;
      if (earlier < claimed.length && (claimed[earlier] as [number, number])[0] < end) continue;
      if (rule.minEntropy !== undefined && shannonEntropy(secret) < rule.minEntropy) continue;
      if (rule.accept && !rule.accept(secret)) continue;
      added.push([start, end]);
      hits.push({ rule, secret, start, end });
    }
    if (added.length > 0) claimed = mergeSorted(claimed, added);
  }
  return hits;
}

function toFinding(hit: SecretHit, path: string, line: number, inName = false): SecretFinding {
  return {
    rule: hit.rule.id,
    description: hit.rule.description,
    path,
    line,
    redacted: redactSecret(hit.secret),
    fingerprint: secretFingerprint(hit.rule.id, path, hit.secret),
    source: "scan",
    ...(inName ? { inName: true } : {}),
  };
}

/**
 * Finds secrets in one text file, line by line. Only the redacted form and
 * the fingerprint leave this function: no finding holds the secret.
 */
export function scanForSecrets(path: string, text: string, rules: readonly SecretRule[] = SECRET_RULES, onlyLines?: ReadonlySet<number>): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const scan = (line: string, number: number) => {
    if (onlyLines && !onlyLines.has(number)) return;
    for (const hit of secretsInLine(line, rules)) findings.push(toFinding(hit, path, number));
  };
  const lower = text.toLowerCase();
  if (lower.length !== text.length) {
    // Lower-casing changed the length (İ, ẞ…): positions no longer map, so every line is looked at.
    for (const [index, line] of text.split("\n").entries()) scan(line, index + 1);
    return findings;
  }
  // A rule only matches on a line holding one of its keywords: one pass over the file finds those lines, and most files have none.
  const keywords = keywordPattern(rules);
  keywords.lastIndex = 0;
  let lineStart = 0;
  let lineNumber = 1;
  let lastScanned = 0;
  for (let match = keywords.exec(lower); match; match = keywords.exec(lower)) {
    for (let next = text.indexOf("\n", lineStart); next !== -1 && next < match.index; next = text.indexOf("\n", lineStart)) {
      lineStart = next + 1;
      lineNumber += 1;
    }
    if (lineNumber === lastScanned) continue;
    lastScanned = lineNumber;
    const end = text.indexOf("\n", lineStart);
    scan(text.slice(lineStart, end === -1 ? undefined : end), lineNumber);
    // The rest of this line is scanned: go on from the next one.
    if (end === -1) break;
    keywords.lastIndex = end + 1;
  }
  return findings;
}

/** One expression for every keyword of the rules, built once per rule set. */
const keywordPatterns = new WeakMap<readonly SecretRule[], RegExp>();
function keywordPattern(rules: readonly SecretRule[]): RegExp {
  let pattern = keywordPatterns.get(rules);
  if (!pattern) {
    const keywords = [...new Set(rules.flatMap((rule) => rule.keywords))].map((keyword) => keyword.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    pattern = new RegExp(keywords.join("|"), "g");
    keywordPatterns.set(rules, pattern);
  }
  return pattern;
}

/**
 * A path as it may be shown, with any secret in it redacted (a key saved as
 * a file name), and the findings for those secrets. Every path the gate
 * prints of the repository's files goes through this first.
 */
export function scanPathForSecrets(path: string, rules: readonly SecretRule[] = SECRET_RULES): { shown: string; findings: SecretFinding[] } {
  const hits = secretsInLine(path, rules).sort((a, b) => a.start - b.start);
  if (hits.length === 0) return { shown: path, findings: [] };
  let shown = "";
  let from = 0;
  for (const hit of hits) {
    shown += path.slice(from, hit.start) + redactSecret(hit.secret);
    from = hit.end;
  }
  shown += path.slice(from);
  return { shown, findings: hits.map((hit) => toFinding(hit, shown, 1, true)) };
}

/** A path with any secret in it redacted. */
export function redactPath(path: string, rules: readonly SecretRule[] = SECRET_RULES): string {
  return scanPathForSecrets(path, rules).shown;
}

/** Two lists of intervals sorted by start, as one. */
function mergeSorted(a: readonly [number, number][], b: readonly [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length)
    out.push((j >= b.length || (i < a.length && (a[i] as [number, number])[0] <= (b[j] as [number, number])[0]) ? a[i++] : b[j++]) as [number, number]);
  return out;
}

const GitleaksReport = z.array(
  z.looseObject({
    RuleID: z.string(),
    Description: z.string().optional(),
    File: z.string(),
    StartLine: z.number().int(),
    Secret: z.string(),
  }),
);

/** A gitleaks JSON report; the secrets it holds are redacted on the way in. */
export function parseGitleaksReport(text: string, source: string): SecretFinding[] {
  // gitleaks writes the secrets it found in clear: errors name the key, never a value.
  const secret = { quoteValues: false };
  const leaks = validateAs(GitleaksReport, parseJsonText(text, "a gitleaks JSON report", source, secret), "expected a gitleaks JSON report", source, secret);
  return leaks.map((leak) => ({
    rule: leak.RuleID,
    description: leak.Description || leak.RuleID,
    path: redactPath(leak.File),
    line: Math.max(1, leak.StartLine),
    redacted: redactSecret(leak.Secret),
    fingerprint: secretFingerprint(leak.RuleID, leak.File, leak.Secret),
    source: "gitleaks",
  }));
}

const Allowlist = z.strictObject({
  /** Globs of files never scanned (test fixtures, docs with example keys). */
  paths: z.array(z.string().min(1)).default([]),
  /** Regexes a line may match to be allowed (an example key, a placeholder convention). */
  regexes: z
    .array(
      z
        .string()
        .min(1)
        .refine((source) => {
          try {
            new RegExp(source);
            return true;
          } catch {
            return false;
          }
        }, "a valid regular expression"),
    )
    .default([]),
  /** Fingerprints of findings reviewed and accepted (from an earlier report). */
  fingerprints: z.array(z.string().regex(/^[0-9a-f]{32}$/, "a 32-character fingerprint from a report")).default([]),
});

export type SecretsAllowlist = z.infer<typeof Allowlist>;

/** Reads `security/secrets-allowlist.yml`; errors name the file, the line and the entry. */
export async function readSecretsAllowlist(text: string, source: string): Promise<SecretsAllowlist> {
  return (await readYamlMapping(text, Allowlist, source)).value;
}

/** Whether a path is skipped, and whether a finding on a line is allowed, by the allowlist. */
export function allowlistMatcher(allowlist: SecretsAllowlist): {
  skipsPath: (path: string) => boolean;
  allows: (finding: SecretFinding, line: string | undefined) => boolean;
} {
  const skipsPath = allowlist.paths.length > 0 ? picomatch(allowlist.paths, { dot: true }) : () => false;
  const regexes = allowlist.regexes.map((source) => new RegExp(source));
  const fingerprints = new Set(allowlist.fingerprints);
  return {
    skipsPath,
    allows: (finding, line) => fingerprints.has(finding.fingerprint) || (line !== undefined && regexes.some((regex) => regex.test(line))),
  };
}

/** What a secret finding of a report carries: the rule, the fingerprint and the redacted value, never the secret. */
export interface SecretFindingProperties {
  rule: string;
  description: string;
  fingerprint: string;
  redacted: string;
  source: SecretFinding["source"];
  baseline: boolean;
  inName?: boolean;
}

/** The secret findings of a security-gate report, with their properties typed. */
export function secretFindings(
  report: GateReport,
): { finding: Finding & { location: NonNullable<Finding["location"]> }; properties: SecretFindingProperties }[] {
  return report.predicate.findings.flatMap((finding) =>
    typeof finding.properties?.redacted === "string" && typeof finding.properties.fingerprint === "string" && finding.location
      ? [{ finding: finding as Finding & { location: NonNullable<Finding["location"]> }, properties: finding.properties as unknown as SecretFindingProperties }]
      : [],
  );
}

export interface SecretsEvaluation {
  checks: Check[];
  findings: Finding[];
  details: { filesScanned: number; found: number; allowed: number; baseline: number; skippedFiles: string[] };
}

/** Fingerprints from a baseline: a list of them, or an earlier security-gate report. */
export function parseSecretsBaseline(text: string, source: string): Set<string> {
  const data = parseJsonText(text, "a secrets baseline in JSON", source);
  if (Array.isArray(data) && data.every((item) => typeof item === "string")) return new Set(data);
  const findings = (data as { predicate?: { findings?: unknown } } | null)?.predicate?.findings;
  if (!Array.isArray(findings))
    throw new ConfigurationError("expected a secrets baseline: a JSON list of fingerprints or an earlier security-gate report, found neither", source);
  return new Set(
    findings.flatMap((finding) => {
      const fingerprint = (finding as { properties?: { fingerprint?: unknown } }).properties?.fingerprint;
      return typeof fingerprint === "string" ? [fingerprint] : [];
    }),
  );
}

/**
 * Decides the secrets part of the security gate: every finding neither
 * allowed nor in the baseline fails it. Messages hold the redacted value only.
 */
export function evaluateSecrets(input: {
  found: readonly SecretFinding[];
  allowed: number;
  baseline: ReadonlySet<string>;
  filesScanned: number;
  skippedFiles: readonly string[];
}): SecretsEvaluation {
  const known = input.found.filter((finding) => input.baseline.has(finding.fingerprint));
  const fresh = input.found.filter((finding) => !input.baseline.has(finding.fingerprint));
  const finding = (secret: SecretFinding, isNew: boolean): Finding => ({
    id: secret.rule,
    severity: isNew ? "error" : "notice",
    message: `${secret.inName ? secret.path : `${secret.path}:${secret.line}`}: ${secret.description} ${secret.redacted}${secret.inName ? " in the file's name" : ""}${
      secret.source === "gitleaks" ? " (reported by gitleaks)" : ""
    }; ${
      isNew
        ? `${secret.inName ? "rename the file, " : "remove it, "}rotate the credential, and load it from the environment or a secret store`
        : "known in the baseline: rotate it and remove it"
    }.`,
    location: { path: secret.path, startLine: secret.line },
    properties: {
      rule: secret.rule,
      description: secret.description,
      fingerprint: secret.fingerprint,
      redacted: secret.redacted,
      source: secret.source,
      baseline: !isNew,
      ...(secret.inName ? { inName: true } : {}),
    },
  });
  const checks: Check[] = [
    {
      id: "secrets.found",
      status: fresh.length === 0 ? "pass" : "fail",
      measured: fresh.length,
      threshold: 0,
      message:
        fresh.length === 0
          ? `No hardcoded secret in ${input.filesScanned} files${known.length > 0 ? ` (${known.length} known in the baseline)` : ""}.`
          : `${fresh.length} hardcoded ${fresh.length === 1 ? "secret" : "secrets"} found: ${fresh
              .slice(0, 3)
              .map((secret) => `${secret.path}:${secret.line}`)
              .join(", ")}${fresh.length > 3 ? ", …" : ""}.`,
    },
  ];
  return {
    checks,
    findings: [...fresh.map((secret) => finding(secret, true)), ...known.map((secret) => finding(secret, false))],
    details: {
      filesScanned: input.filesScanned,
      found: input.found.length,
      allowed: input.allowed,
      baseline: known.length,
      skippedFiles: [...input.skippedFiles],
    },
  };
}
