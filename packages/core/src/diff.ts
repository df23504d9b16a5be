import { ConfigurationError } from "./errors.js";

/** Repo-relative path → line numbers (new side) added or changed by a change. */
export type ChangedLines = Map<string, Set<number>>;

const HUNK = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/;

/** git quotes unusual paths ("a\tb") with C escapes; undo that. */
function unquoteGitPath(raw: string): string {
  if (!raw.startsWith('"')) return raw;
  const bytes: number[] = [];
  const body = raw.slice(1, -1);
  for (let i = 0; i < body.length; i += 1) {
    const char = body[i] ?? "";
    if (char !== "\\") {
      bytes.push(...Buffer.from(char));
      continue;
    }
    const next = body[i + 1] ?? "";
    if (/[0-7]/.test(next)) {
      bytes.push(Number.parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(({ n: 10, t: 9, '"': 34, "\\": 92 } as Record<string, number>)[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/**
 * Added lines per file from a unified diff, as `git diff` writes it (any
 * context size) or as the GitHub API returns one file's `patch` (pass
 * `path`). Deleted files and pure deletions add nothing.
 */
export function parseUnifiedDiff(diff: string, path?: string): ChangedLines {
  const changed: ChangedLines = new Map();
  let file: Set<number> | undefined = path === undefined ? undefined : new Set();
  if (path !== undefined && file) changed.set(path, file);
  let nextLine = 0;
  let remaining = 0;
  const lines = diff.split("\n");
  lines.forEach((line, index) => {
    if (line.startsWith("+++ ") && remaining === 0) {
      const target = line.slice(4).replace(/\t.*$/, "");
      if (target === "/dev/null") file = undefined;
      else {
        const name = unquoteGitPath(target).replace(/^b\//, "");
        file = changed.get(name) ?? new Set();
        changed.set(name, file);
      }
      return;
    }
    const hunk = HUNK.exec(line);
    if (hunk) {
      nextLine = Number(hunk[1]);
      remaining = hunk[2] === undefined ? 1 : Number(hunk[2]);
      return;
    }
    if (remaining === 0 || !file) return;
    if (line.startsWith("+")) {
      file.add(nextLine);
      nextLine += 1;
      remaining -= 1;
    } else if (line.startsWith(" ") || line === "") {
      nextLine += 1;
      remaining -= 1;
    } else if (!line.startsWith("-") && !line.startsWith("\\")) {
      throw new ConfigurationError(`expected a unified diff line (" ", "+", "-" or "\\"), found ${JSON.stringify(line.slice(0, 40))}`, "diff", index + 1);
    }
  });
  for (const [name, set] of changed) if (set.size === 0) changed.delete(name);
  return changed;
}
