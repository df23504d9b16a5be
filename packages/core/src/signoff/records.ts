import * as z from "zod";
import { CalendarDate } from "../durations.js";
import { ConfigurationError } from "../errors.js";
import { parseYamlDocuments } from "../yaml-stream.js";

const SignoffEntry = z.strictObject({
  role: z.string().min(1),
  /** The item of the role it signs (`terms`, `privacy`…); absent: the role as a whole. */
  item: z.string().min(1).optional(),
  /** Who signs: an e-mail address or a login the policy's `people` maps to one. */
  person: z.string().min(1),
  date: CalendarDate,
  /** What it signs: a commit (at least 7 hex digits) or a version. */
  commit: z
    .string()
    .regex(/^[0-9a-f]{7,40}$/i, "a commit id of 7 to 40 hex digits")
    .optional(),
  version: z.string().min(1).optional(),
  /** Signed as not applicable to this release, with the reason. */
  notApplicable: z.string().min(1).optional(),
});

const SignoffFile = z.strictObject({ signoffs: z.array(SignoffEntry).default([]) });

/** A sign-off as written, with the lines it spans (for the commit that wrote it). */
export type SignoffRecord = z.infer<typeof SignoffEntry> & { line: number; endLine: number };

/**
 * Reads the sign-off file (`release/signoffs.yml`). Each entry must name
 * what it signs (a commit or a version); its lines are kept so the pipeline
 * can ask git who wrote them, which is what makes an entry count, never the
 * `person` it claims.
 */
export function parseSignoffFile(text: string, source: string): SignoffRecord[] {
  const [document] = parseYamlDocuments(text, source);
  if (!document) return [];
  const { signoffs } = document.validate(SignoffFile);
  const lastLine = text.split("\n").length;
  return signoffs.map((entry, index) => {
    const line = document.lineOf(["signoffs", index]) ?? 1;
    if (!entry.commit && !entry.version)
      throw new ConfigurationError(
        `expected signoffs[${index}] (${entry.role} by ${entry.person}) to name the commit or the version it signs, found neither`,
        source,
        line,
      );
    const next = index + 1 < signoffs.length ? document.lineOf(["signoffs", index + 1]) : undefined;
    return { ...entry, line, endLine: next !== undefined ? Math.max(line, next - 1) : lastLine };
  });
}

/** One checkbox of a pull request description. */
export interface ChecklistItem {
  /** From a `<!-- id: terms -->` marker on the line, when there is one. */
  id: string | undefined;
  text: string;
  ticked: boolean;
  line: number;
}

const CHECKBOX = /^\s*(?:[-*+]|\d+[.)])\s+\[([ xX])\]\s+(.*)$/;
const ID_MARKER = /<!--\s*id:\s*([\w.-]+)\s*-->/;

/**
 * The checkboxes of a description, as a reader sees them: items inside HTML
 * comments or fenced code are not items (a template's hidden example must
 * not count), and a stable id comes from an `<!-- id: … -->` marker.
 */
export function parseChecklist(markdown: string): ChecklistItem[] {
  const items: ChecklistItem[] = [];
  let inComment = false;
  let fence: string | undefined;
  markdown.split(/\r?\n/).forEach((raw, index) => {
    const fenceMark = /^\s*(`{3,}|~{3,})/.exec(raw)?.[1];
    if (!inComment && fenceMark) {
      if (!fence) fence = fenceMark;
      else if (fenceMark.startsWith(fence)) fence = undefined;
      return;
    }
    if (fence) return;
    const id = ID_MARKER.exec(raw)?.[1];
    let visible = "";
    let rest = raw;
    while (rest.length) {
      if (inComment) {
        const end = rest.indexOf("-->");
        if (end < 0) {
          rest = "";
          break;
        }
        inComment = false;
        rest = rest.slice(end + 3);
      } else {
        const start = rest.indexOf("<!--");
        if (start < 0) {
          visible += rest;
          break;
        }
        visible += rest.slice(0, start);
        inComment = true;
        rest = rest.slice(start + 4);
      }
    }
    const box = CHECKBOX.exec(visible);
    if (box) items.push({ id, text: (box[2] as string).trim(), ticked: box[1] !== " ", line: index + 1 });
  });
  return items;
}

/** How a description came to be: its versions (GitHub's edit history) or its tick events (GitLab's system notes). */
export type ChecklistHistory =
  | { kind: "versions"; author: string; versions: { at: string; editor: string | undefined; body: string | undefined }[] }
  | { kind: "events"; author: string; events: { at: string; user: string; text: string; ticked: boolean }[] };

/** The same item in another version: by its id marker, else by its text. */
const sameItem = (a: ChecklistItem, b: ChecklistItem) => (a.id !== undefined && b.id !== undefined ? a.id === b.id : a.text === b.text);

/**
 * Who ticked each ticked item of the current description, by its line: the
 * editor of the version where it became ticked and stayed so (GitHub), or
 * the person whose "marked the checklist item … as completed" note came
 * last (GitLab); ticked from the start, the author. Unknown (undefined)
 * where the history has a hole (a deleted revision).
 */
export function whoTicked(current: readonly ChecklistItem[], history: ChecklistHistory): Map<number, string | undefined> {
  const tickers = new Map<number, string | undefined>();
  for (const item of current.filter((candidate) => candidate.ticked)) {
    if (history.kind === "events") {
      const last = history.events
        .filter((event) => event.text.trim() === item.text)
        .sort((a, b) => a.at.localeCompare(b.at))
        .at(-1);
      tickers.set(item.line, last ? (last.ticked ? last.user : undefined) : history.author);
      continue;
    }
    const versions = [...history.versions].sort((a, b) => a.at.localeCompare(b.at));
    let ticker: string | undefined = history.author;
    for (let index = versions.length - 1; index >= 0; index -= 1) {
      const version = versions[index] as (typeof versions)[number];
      if (version.body === undefined) {
        ticker = undefined;
        break;
      }
      const then = parseChecklist(version.body).find((candidate) => sameItem(candidate, item));
      if (!then?.ticked) break;
      ticker = version.editor;
    }
    tickers.set(item.line, ticker);
  }
  return tickers;
}
