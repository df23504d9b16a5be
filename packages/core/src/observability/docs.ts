import { formatDuration, formatInstant, isCalendarDate, parseDuration } from "../durations.js";
import type { Finding } from "../report/schema.js";
import type { ObservabilitySettings } from "./settings.js";

export interface Heading {
  level: number;
  text: string;
  line: number;
}

/** The headings of a Markdown text (ATX `## x` and setext underlines), outside code fences. */
export function markdownHeadings(text: string): Heading[] {
  const headings: Heading[] = [];
  const lines = text.split(/\r?\n/);
  // Front matter is data, and its closing `---` would read as a setext underline.
  const frontMatterEnd = lines[0] === "---" ? lines.indexOf("---", 1) : -1;
  let fence: string | undefined;
  lines.forEach((line, index) => {
    if (index <= frontMatterEnd) return;
    const fenceMatch = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fenceMatch) {
      const marker = (fenceMatch[1] as string)[0] as string;
      if (!fence) fence = marker;
      else if (fence === marker) fence = undefined;
      return;
    }
    if (fence) return;
    const atx = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (atx) {
      headings.push({ level: (atx[1] as string).length, text: atx[2] as string, line: index + 1 });
      return;
    }
    const next = lines[index + 1];
    if (next !== undefined && line.trim() !== "" && /^\s{0,3}(=+|-+)\s*$/.test(next) && !/^\s{0,3}([-*+]\s|>)/.test(line))
      headings.push({ level: next.trim().startsWith("=") ? 1 : 2, text: line.trim(), line: index + 1 });
  });
  return headings;
}

/** The anchors GitHub and GitLab give a heading: lower case, punctuation dropped, spaces to dashes (GitLab also squeezes dashes). */
function slugs(text: string): string[] {
  const plain = text
    .replace(/`([^`]*)`/g, "$1")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .toLowerCase()
    .trim();
  const github = plain.replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
  return [github, github.replace(/-{2,}/g, "-")];
}

/** Every anchor a Markdown document has: headings' (with GitHub's `-1`, `-2` for repeats), HTML `id`/`name`, `{#id}`. */
export function markdownAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const heading of markdownHeadings(text)) {
    const explicit = /\{#([\w-]+)\}\s*$/.exec(heading.text);
    if (explicit) anchors.add(explicit[1] as string);
    for (const slug of new Set(slugs(heading.text.replace(/\{#[\w-]+\}\s*$/, "")))) {
      const count = seen.get(slug) ?? 0;
      anchors.add(count === 0 ? slug : `${slug}-${count}`);
      seen.set(slug, count + 1);
    }
  }
  for (const [, id] of text.matchAll(/<a\s[^>]*(?:name|id)\s*=\s*["']([^"']+)["']/gi)) anchors.add(id as string);
  return anchors;
}

const normalise = (text: string) =>
  ` ${text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()} `;

/** The front matter's `key: value` lines (no YAML parsing needed for the keys read). */
function frontMatter(text: string): Map<string, string> {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(text);
  const entries = new Map<string, string>();
  if (!match) return entries;
  for (const line of (match[1] as string).split(/\r?\n/)) {
    const entry = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (entry) entries.set((entry[1] as string).toLowerCase(), (entry[2] as string).trim().replace(/^["']|["']$/g, ""));
  }
  return entries;
}

/** Who owns the document: front matter `owner:`, an `Owner:` line, or the text under an Owner heading. */
export function documentOwner(text: string): string | undefined {
  const front = frontMatter(text);
  const fromFront = front.get("owner") ?? front.get("owners");
  if (fromFront) return fromFront;
  const line = /^\s*(?:[-*]\s*)?(?:\*\*|__)?owners?(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(\S.*)$/im.exec(text);
  if (line) return (line[1] as string).trim();
  const lines = text.split(/\r?\n/);
  const heading = markdownHeadings(text).find((candidate) => /^owners?$/i.test(candidate.text.trim()) || /^owner(ship)?\b/i.test(candidate.text.trim()));
  if (!heading) return undefined;
  for (const next of lines.slice(heading.line)) {
    if (/^\s{0,3}#/.test(next)) return undefined;
    if (next.trim()) return next.trim();
  }
  return undefined;
}

/** When the document says it was last reviewed: front matter `reviewed:` / `last_reviewed:`, or a `Last reviewed: 2026-10-01` line. */
export function reviewedDate(text: string): string | undefined {
  const front = frontMatter(text);
  const candidates = [
    front.get("reviewed"),
    front.get("last_reviewed"),
    front.get("lastreviewed"),
    front.get("last-reviewed"),
    /last[ -]?reviewed\**\s*:?\**\s*(\d{4}-\d{2}-\d{2})/i.exec(text)?.[1],
  ];
  return candidates.find((candidate): candidate is string => candidate !== undefined && isCalendarDate(candidate));
}

export type DocumentKind = "runbook" | "rollback" | "incident";

const TITLES: Record<DocumentKind, string> = { runbook: "runbook", rollback: "rollback procedure", incident: "incident response plan" };

/** A document as the platform found it: its text and when git last saw it change. */
export interface DocumentFacts {
  path: string;
  text: string;
  /** The last commit that changed it (milliseconds), when the project is a git repository. */
  changedMs?: number;
  /** Why git could not date it (a shallow clone), for the message. */
  historyNote?: string;
}

export interface DocumentVerdict {
  kind: DocumentKind;
  path?: string;
  missingSections: string[];
  owner?: string;
  /** The later of its last change and its `reviewed:` date. */
  reviewedMs?: number;
  fresh: boolean;
  findings: Finding[];
}

/**
 * docs.runbook / docs.rollback / docs.incident: the document exists, has the
 * required sections, names an owner, and is fresh — changed after the files
 * it covers last changed, or reviewed within `maxAge`.
 */
export function checkDocument(
  kind: DocumentKind,
  settings: ObservabilitySettings["docs"][DocumentKind],
  document: DocumentFacts | undefined,
  covered: { changedMs: number; path: string } | undefined,
  nowMs: number,
): DocumentVerdict {
  const title = TITLES[kind];
  const severity = settings.severity === "warn" ? "warning" : "error";
  if (!document)
    return {
      kind,
      missingSections: settings.sections,
      fresh: false,
      findings: [
        {
          id: `${kind}-missing`,
          severity,
          message: `no ${title} found at ${settings.paths.join(", ")}: write one with the sections ${settings.sections.map((section) => section.split("|")[0]).join(", ")}${settings.requireOwner ? " and an owner" : ""} (or set docs.${kind}.paths)`,
        },
      ],
    };
  const findings: Finding[] = [];
  const at = { path: document.path };
  const headings = markdownHeadings(document.text).map((heading) => normalise(heading.text));
  const missingSections = settings.sections.filter(
    (section) => !section.split("|").some((alternative) => headings.some((heading) => heading.includes(normalise(alternative)))),
  );
  if (missingSections.length)
    findings.push({
      id: `${kind}-sections-missing`,
      severity,
      message: `the ${title} has no ${missingSections.map((section) => `"${section.split("|").join('" or "')}"`).join(", ")} section${missingSections.length > 1 ? "s" : ""}`,
      location: at,
    });
  const owner = documentOwner(document.text);
  if (settings.requireOwner && !owner)
    findings.push({
      id: `${kind}-no-owner`,
      severity,
      message: `the ${title} names no owner: add \`owner:\` front matter or an "Owner: @team" line`,
      location: at,
    });
  const reviewed = reviewedDate(document.text);
  const reviewedMs = Math.max(document.changedMs ?? Number.NEGATIVE_INFINITY, reviewed ? Date.parse(`${reviewed}T00:00:00Z`) : Number.NEGATIVE_INFINITY);
  const known = Number.isFinite(reviewedMs);
  const maxAgeMs = parseDuration(settings.maxAge, `docs.${kind}.maxAge`);
  const withinAge = known && nowMs - reviewedMs <= maxAgeMs;
  const afterCovered = covered !== undefined && document.changedMs !== undefined && document.changedMs >= covered.changedMs;
  const fresh = withinAge || afterCovered;
  if (!fresh) {
    const since = known
      ? `last changed or reviewed ${formatInstant(reviewedMs)}, ${formatDuration(nowMs - reviewedMs)} ago`
      : `${document.historyNote ?? "not in the git history"}, and with no \`reviewed:\` date`;
    const coveredText =
      covered && (!document.changedMs || covered.changedMs > document.changedMs)
        ? `; ${covered.path} changed after it, on ${formatInstant(covered.changedMs)}`
        : "";
    findings.push({
      id: `${kind}-stale`,
      severity,
      message: `the ${title} is stale (${since}${coveredText}): review it and update it, or set \`reviewed: YYYY-MM-DD\` in its front matter (docs.${kind}.maxAge is ${settings.maxAge})`,
      location: at,
    });
  }
  return { kind, path: document.path, missingSections, ...(owner ? { owner } : {}), ...(known ? { reviewedMs } : {}), fresh, findings };
}
