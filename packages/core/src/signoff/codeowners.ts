import picomatch from "picomatch";
import { quoted } from "../errors.js";
import type { Finding } from "../report/schema.js";

/** Where each platform looks for the file, in its order: the first that exists is the one in force. */
export const CODEOWNERS_LOCATIONS = {
  github: [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"],
  gitlab: ["CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"],
} as const;

export type CodeownersSyntax = keyof typeof CODEOWNERS_LOCATIONS;

/** One rule: a pattern and its owners (none: the path is un-owned), or a GitLab exclusion. */
export interface OwnershipRule {
  pattern: string;
  owners: string[];
  line: number;
  /** GitLab's `!pattern`: matching paths need no approval from this section. */
  excluded: boolean;
  matches: (path: string) => boolean;
}

/** A GitLab section (`[Name][N] @default-owners`, `^[Name]` optional); GitHub's file is one unnamed section. */
export interface OwnershipSection {
  name: string;
  optional: boolean;
  /** Approvals needed from the section's owners (`[Section][2]`); 1 by default. */
  approvals: number;
  rules: OwnershipRule[];
}

export interface Codeowners {
  path: string;
  syntax: CodeownersSyntax;
  sections: OwnershipSection[];
  /** Lines the platform ignores, silently: each one is ownership somebody believes is enforced and is not. */
  findings: Finding[];
}

/** Who must approve a path: per section, the owners of the last rule that matches it. */
export interface PathOwnership {
  section: OwnershipSection;
  rule: OwnershipRule;
}

const USER = /^@[A-Za-z\d](?:[A-Za-z\d-]*[A-Za-z\d])?$/;
const TEAM = /^@[A-Za-z\d](?:[A-Za-z\d-]*[A-Za-z\d])?\/[A-Za-z\d][\w.-]*(?:\/[A-Za-z\d][\w.-]*)*$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Longer than any path a repository holds: refused before it becomes a regular expression. */
const MAX_PATTERN_LENGTH = 1_024;

/** GitLab's role owners: `@@developer`, `@@maintainer`, `@@owner`. */
const ROLE = /^@@(developer|maintainer|owner)s?$/i;
const SECTION = /^(\^)?\[([^\]]+)\](?:\[(\d+)\])?\s*(.*)$/;

/** Is this token an owner the platform understands (a user, a team or group, an e-mail address)? */
export function isOwner(token: string): boolean {
  return USER.test(token) || TEAM.test(token) || EMAIL.test(token) || ROLE.test(token);
}

/**
 * A CODEOWNERS pattern as a matcher, with gitignore's rules as both platforms
 * apply them: a leading `/` or a slash inside anchors it at the root,
 * otherwise it matches at any depth; a trailing `/` matches a directory's
 * contents; a pattern that names a directory owns everything under it.
 */
export function ownershipMatcher(pattern: string): (path: string) => boolean {
  let body = pattern;
  const directoryOnly = body.endsWith("/");
  if (directoryOnly) body = body.replace(/\/+$/, "");
  const anchored = body.startsWith("/") || body.includes("/");
  body = body.replace(/^\/+/, "");
  const base = body === "" || body === "**" ? "**" : anchored ? body : `**/${body}`;
  const globs = directoryOnly ? [`${base}/**`] : [base, `${base}/**`];
  const match = picomatch(globs, { dot: true });
  return (path: string) => match(path.replace(/^\/+/, ""));
}

/** The text of a line without its comment; `\#` is a literal `#`. */
function withoutComment(line: string): string {
  let text = "";
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index] as string;
    if (char === "\\" && line[index + 1] === "#") {
      text += "#";
      index += 1;
    } else if (char === "#") break;
    else text += char;
  }
  return text.trim();
}

/** Splits on unescaped whitespace: `\ ` keeps a space inside a pattern. */
function tokens(text: string): string[] {
  return (text.match(/(?:\\\s|\S)+/g) ?? []).map((token) => token.replace(/\\(\s)/g, "$1"));
}

/**
 * The syntax a CODEOWNERS file is read with: the policy's when it names one;
 * else GitLab's for a file under `.gitlab/` or one with `[Section]` headers;
 * else the platform's (GitHub's when unknown).
 */
export function codeownersSyntaxOf(
  location: string,
  text: string,
  setting: CodeownersSyntax | "auto",
  platform: CodeownersSyntax | undefined,
): CodeownersSyntax {
  if (setting !== "auto") return setting;
  return location.startsWith(".gitlab/") || /^\s*\^?\[[^\]]+\]/m.test(text) ? "gitlab" : (platform ?? "github");
}

/**
 * Reads a CODEOWNERS file as the platform reads it. GitHub: one list, the
 * last matching pattern wins, an empty owner list un-owns a path, and lines
 * GitHub ignores (`!` negation, `[ ]` ranges, an owner it cannot parse, an
 * owner where the pattern should be) are findings, because GitHub ignores
 * them without a word. GitLab: sections (`[Name]`, `^[Optional]`,
 * `[Name][2]`) with default owners inherited by lines that name none, and
 * `!pattern` exclusions.
 */
export function parseCodeowners(text: string, path: string, syntax: CodeownersSyntax): Codeowners {
  const findings: Finding[] = [];
  // Compiled when first asked, once per distinct pattern: a file of thousands of rules is read in
  // linear time, and only the rules a path reaches are compiled.
  const compiled = new Map<string, (path: string) => boolean>();
  const matcherFor = (pattern: string) => (path: string) => {
    let matcher = compiled.get(pattern);
    if (!matcher) compiled.set(pattern, (matcher = ownershipMatcher(pattern)));
    return matcher(path);
  };
  const unnamed: OwnershipSection = { name: syntax === "github" ? "CODEOWNERS" : "Default", optional: false, approvals: 1, rules: [] };
  const sections = [unnamed];
  let section = unnamed;
  let defaults: string[] = [];
  const ignored = (line: number, why: string) =>
    findings.push({
      id: "codeowners-line-ignored",
      severity: "error",
      message: `${path} line ${line}: ${why}; ${syntax === "github" ? "GitHub" : "GitLab"} ignores this line, so nobody's approval is required for it`,
      location: { path, startLine: line },
    });
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = index + 1;
    const content = withoutComment(raw);
    if (!content) continue;
    if (syntax === "gitlab") {
      const header = SECTION.exec(content);
      if (header) {
        const named = sections.find((existing) => existing.name.toLowerCase() === (header[2] as string).trim().toLowerCase());
        // GitLab merges sections of the same name.
        section = named ?? { name: (header[2] as string).trim(), optional: Boolean(header[1]), approvals: Number(header[3] ?? 1), rules: [] };
        if (!named) sections.push(section);
        defaults = tokens(header[4] ?? "");
        const bad = defaults.filter((owner) => !isOwner(owner));
        if (bad.length) ignored(line, `section [${section.name}] names ${quoted(bad[0])}, which is not a user, group or e-mail address`);
        defaults = defaults.filter(isOwner);
        continue;
      }
    }
    const [rawPattern, ...owners] = tokens(content);
    let pattern = rawPattern as string;
    let excluded = false;
    if (pattern.startsWith("!")) {
      if (syntax === "github") {
        ignored(line, `${quoted(pattern)} is a negation, which GitHub's CODEOWNERS does not support`);
        continue;
      }
      excluded = true;
      pattern = pattern.slice(1);
    }
    if (syntax === "github" && /\[[^\]]*\]/.test(pattern)) {
      ignored(line, `${quoted(pattern)} uses a [ ] character range, which GitHub's CODEOWNERS does not support`);
      continue;
    }
    if (isOwner(pattern) && pattern.startsWith("@") && owners.every(isOwner)) {
      ignored(line, `${quoted(pattern)} is an owner where the pattern should be (a line needs a path pattern first)`);
      continue;
    }
    if (pattern.length > MAX_PATTERN_LENGTH) {
      ignored(line, `a pattern of ${pattern.length} characters is no path (at most ${MAX_PATTERN_LENGTH})`);
      continue;
    }
    if (/\*\*\*/.test(pattern)) {
      ignored(line, `${quoted(pattern)} is not a valid pattern (did you mean **?)`);
      continue;
    }
    const invalid = owners.find((owner) => !isOwner(owner));
    if (invalid) {
      ignored(line, `${quoted(invalid)} is not a user (@name), team (@org/team) or e-mail address`);
      continue;
    }
    const inherited = syntax === "gitlab" && owners.length === 0 && !excluded ? defaults : owners;
    section.rules.push({ pattern, owners: inherited, line, excluded, matches: matcherFor(pattern) });
  }
  return { path, syntax, sections: sections.filter((entry) => entry.rules.length > 0), findings };
}

/** The platform's errors for the file (GitHub's `codeowners/errors`), as findings where ours did not already say so. */
export function platformCodeownersFindings(codeowners: Codeowners, errors: readonly { line: number; kind: string; source: string; path: string }[]): Finding[] {
  const known = new Set(codeowners.findings.map((finding) => finding.location?.startLine));
  return errors
    .filter((error) => error.path === codeowners.path && !known.has(error.line))
    .map((error) => ({
      id: "codeowners-platform-error",
      severity: "error" as const,
      message: `${codeowners.path} line ${error.line}: GitHub reports ${quoted(error.kind)} for ${quoted(error.source.trim(), 120)} and ignores the line`,
      location: { path: codeowners.path, startLine: error.line },
    }));
}

/**
 * Who must approve `path`: in each section, the last rule that matches it
 * (GitHub: the whole file is one section). An exclusion, or a last match
 * with no owners, leaves the section out.
 */
export function ownersOf(codeowners: Codeowners, path: string): PathOwnership[] {
  const owned: PathOwnership[] = [];
  for (const section of codeowners.sections) {
    let last: OwnershipRule | undefined;
    let excluded = false;
    for (const rule of section.rules) {
      if (!rule.matches(path)) continue;
      if (rule.excluded) excluded = true;
      else last = rule;
    }
    if (!excluded && last && last.owners.length > 0) owned.push({ section, rule: last });
  }
  return owned;
}
