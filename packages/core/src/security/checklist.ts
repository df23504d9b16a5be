import type { Check, Finding } from "../report/schema.js";

/** A task-list item of a Markdown file: `- [x] Keys rotated` (any list marker, any case of x). */
export interface ChecklistItem {
  line: number;
  text: string;
  ticked: boolean;
}

const ITEM = /^\s*(?:[-*+]|\d+[.)])\s+\[([ xX])\]\s+(.*\S)\s*$/;

/** The checklist items of a Markdown file, outside fenced code blocks (where `- [ ]` is an example, not an item). */
export function parseChecklist(text: string): ChecklistItem[] {
  const items: ChecklistItem[] = [];
  let fence: string | undefined;
  text.split(/\r?\n/).forEach((line, index) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      return;
    }
    if (fence !== undefined) return;
    const match = ITEM.exec(line);
    if (match) items.push({ line: index + 1, text: match[2] as string, ticked: match[1] !== " " });
  });
  return items;
}

export interface ChecklistFile {
  path: string;
  /** The file's text, or undefined when the required file does not exist. */
  text: string | undefined;
}

/** Every required checklist must exist, hold items, and have each of them ticked. */
export function evaluateChecklists(files: readonly ChecklistFile[]): { checks: Check[]; findings: Finding[]; details: { items: number; unticked: number } } {
  const findings: Finding[] = [];
  let items = 0;
  let unticked = 0;
  let broken = 0;
  for (const file of files) {
    if (file.text === undefined) {
      broken += 1;
      findings.push({
        id: "checklist-missing",
        severity: "error",
        message: `${file.path}, a required security checklist, does not exist.`,
        location: { path: file.path },
      });
      continue;
    }
    const parsed = parseChecklist(file.text);
    if (parsed.length === 0) {
      broken += 1;
      findings.push({
        id: "checklist-empty",
        severity: "error",
        message: `${file.path} holds no checklist item: expected Markdown task-list lines such as "- [x] Deploy keys rotated".`,
        location: { path: file.path },
      });
      continue;
    }
    items += parsed.length;
    for (const item of parsed.filter((entry) => !entry.ticked)) {
      unticked += 1;
      findings.push({
        id: "checklist-unticked",
        severity: "error",
        message: `${file.path}:${item.line}: "${item.text}" is not ticked.`,
        location: { path: file.path, startLine: item.line },
      });
    }
  }
  const failing = unticked + broken;
  return {
    checks: [
      {
        id: "checklist",
        status: failing === 0 ? "pass" : "fail",
        measured: failing,
        threshold: 0,
        message:
          failing === 0
            ? `All ${items} items of ${files.map((file) => file.path).join(", ")} are ticked.`
            : `${unticked} of ${items} checklist items are not ticked${broken > 0 ? ` and ${broken} required checklist${broken === 1 ? " is" : "s are"} missing or empty` : ""}.`,
      },
    ],
    findings,
    details: { items, unticked },
  };
}
