import picomatch from "picomatch";
import * as z from "zod";
import { ConfigurationError } from "../errors.js";
import { sha256 } from "../report/build.js";
import type { Check, Finding } from "../report/schema.js";
import { parseJsonText, validateAs } from "../validation.js";
import { parseYamlMapping } from "../yaml.js";

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
}

/**
 * Finds secrets in one text file, line by line. Only the redacted form and
 * the fingerprint leave this function: no finding holds the secret.
 */
export function scanForSecrets(path: string, text: string, rules: readonly SecretRule[] = SECRET_RULES, onlyLines?: ReadonlySet<number>): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] as string;
    if (onlyLines && !onlyLines.has(index + 1)) continue;
    const lower = line.toLowerCase();
    // Rules run most specific first; a later rule's hit on text an earlier one claimed is the same secret.
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
        findings.push({
          rule: rule.id,
          description: rule.description,
          path,
          line: index + 1,
          redacted: redactSecret(secret),
          fingerprint: secretFingerprint(rule.id, path, secret),
          source: "scan",
        });
      }
      if (added.length > 0) claimed = mergeSorted(claimed, added);
    }
  }
  return findings;
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
  const leaks = validateAs(GitleaksReport, parseJsonText(text, "a gitleaks JSON report", source), "expected a gitleaks JSON report", source);
  return leaks.map((leak) => ({
    rule: leak.RuleID,
    description: leak.Description || leak.RuleID,
    path: leak.File,
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

export function parseSecretsAllowlist(text: string, source: string): SecretsAllowlist {
  return parseYamlMapping(text, Allowlist, source).value;
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
    message: `${secret.path}:${secret.line}: ${secret.description} ${secret.redacted}${secret.source === "gitleaks" ? " (reported by gitleaks)" : ""}; ${
      isNew ? "remove it, rotate the credential, and load it from the environment or a secret store" : "known in the baseline: rotate it and remove it"
    }.`,
    location: { path: secret.path, startLine: secret.line },
    properties: {
      rule: secret.rule,
      description: secret.description,
      fingerprint: secret.fingerprint,
      redacted: secret.redacted,
      source: secret.source,
      baseline: !isNew,
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
