import { ConfigurationError } from "../../errors.js";
import { LineSplitter } from "../../text/lines.js";
import { emptyFileCoverage, type FileCoverage } from "../model.js";
import { ExpansionBudget, lineNumberOf } from "./limits.js";
import type { CoverageParser, ParsedReport } from "./types.js";

const BLOCK = /^(.+):(\d+)\.(\d+),(\d+)\.(\d+) (\d+) (\d+)$/;

function setMax<K>(map: Map<K, number>, key: K, hits: number): void {
  map.set(key, Math.max(map.get(key) ?? 0, hits));
}

/**
 * Go cover profiles (`go test -coverprofile`). Statements are weighted by each
 * block's statement count, as `go tool cover -func` counts them. Blocks of one
 * file can share a line, and `-coverpkg` runs repeat blocks: within a profile a
 * line or block takes the highest count seen, never the sum.
 */
export function createGoCoverParser(): CoverageParser {
  const files = new Map<string, FileCoverage & { statements: Map<string, number> }>();
  const budget = new ExpansionBudget();
  let sawMode = false;

  const splitter = new LineSplitter((line, lineNumber) => {
    const trimmed = line.trim();
    if (trimmed === "") return;
    if (!sawMode) {
      if (!/^mode: (set|count|atomic)$/.test(trimmed)) {
        throw new ConfigurationError(
          `expected the Go cover profile header "mode: set|count|atomic", found ${JSON.stringify(trimmed.slice(0, 60))}`,
          undefined,
          lineNumber,
        );
      }
      sawMode = true;
      return;
    }
    // Profiles concatenated from several packages repeat the header.
    if (trimmed.startsWith("mode: ")) return;
    const match = BLOCK.exec(trimmed);
    if (!match) {
      throw new ConfigurationError(
        `expected a block "file:line.col,line.col statements count", found ${JSON.stringify(trimmed.slice(0, 80))}`,
        undefined,
        lineNumber,
      );
    }
    const [, path = "", startLine, startColumn, endLine, endColumn, statements, hitCount] = match;
    let file = files.get(path);
    if (!file) {
      file = { ...emptyFileCoverage(path), statements: new Map() };
      files.set(path, file);
    }
    const hits = Number(hitCount);
    const first = lineNumberOf(Number(startLine), "the block's first line", lineNumber);
    const last = lineNumberOf(Number(endLine), "the block's last line", lineNumber);
    if (last < first)
      throw new ConfigurationError(`expected a block that ends on or after its first line, found lines ${first} to ${last}`, undefined, lineNumber);
    const count = Number(statements);
    // A block's statements and lines are counts the profile claims: they may not cost more than the profile could describe.
    budget.spend(count + (last - first + 1), `a block of ${count} statements on lines ${first}–${last}`, lineNumber);
    const block = `${first}.${startColumn},${last}.${endColumn}`;
    for (let index = 0; index < count; index += 1) setMax(file.statements, `${block}#${index}`, hits);
    for (let current = first; current <= last; current += 1) file.lines.max(current, hits);
  });

  return {
    write: (chunk) => {
      budget.grow(chunk.length);
      splitter.write(chunk);
    },
    end(): ParsedReport {
      const lineCount = splitter.end();
      if (!sawMode) throw new ConfigurationError('expected the Go cover profile header "mode: …", found an empty file', undefined, lineCount);
      return { format: "go", files: [...files.values()], sourceRoots: [] };
    },
  };
}
