import { ConfigurationError } from "../../errors.js";
import { LineSplitter } from "../../text/lines.js";
import { emptyFileCoverage, type FileCoverage } from "../model.js";
import type { CoverageParser, ParsedReport } from "./types.js";

function count(raw: string | undefined, record: string, lineNumber: number): number {
  // BRDA's taken is "-" when the branch's block never ran: zero times taken.
  if (raw === "-") return 0;
  const value = Number(raw);
  if (raw === undefined || raw === "" || !Number.isFinite(value)) {
    throw new ConfigurationError(`expected a number in the ${record} record, found ${JSON.stringify(raw ?? "")}`, undefined, lineNumber);
  }
  return value;
}

/**
 * lcov tracefiles, 1.x and 2.x: DA, BRDA (taken may be "-"), FN/FNDA and the
 * 2.x FNL/FNA pair. Summary records (LF/LH, BRF/BRH, FNF/FNH) are ignored on
 * purpose: real files get them wrong, totals are recomputed from the detail.
 */
export function createLcovParser(): CoverageParser {
  const files: FileCoverage[] = [];
  let current: FileCoverage | undefined;
  let currentStart = 0;
  let functionLines = new Map<string, number>();
  let lineNumbers = new Map<string, number>();

  const splitter = new LineSplitter((line, lineNumber) => {
    const trimmed = line.trim();
    if (trimmed === "") return;
    if (trimmed === "end_of_record") {
      if (!current) throw new ConfigurationError("expected an SF record before end_of_record, found none", undefined, lineNumber);
      files.push(current);
      current = undefined;
      return;
    }
    const colon = trimmed.indexOf(":");
    const key = colon === -1 ? "" : trimmed.slice(0, colon);
    if (!/^[A-Z][A-Z_]*$/.test(key)) {
      throw new ConfigurationError(`expected an lcov record such as "DA:<line>,<hits>", found ${JSON.stringify(trimmed.slice(0, 60))}`, undefined, lineNumber);
    }
    const value = trimmed.slice(colon + 1);
    if (key === "SF") {
      if (current)
        throw new ConfigurationError(
          `expected end_of_record before a new SF record, found SF:${value} while ${current.path} (line ${currentStart}) was still open`,
          undefined,
          lineNumber,
        );
      current = emptyFileCoverage(value);
      currentStart = lineNumber;
      functionLines = new Map();
      lineNumbers = new Map();
      return;
    }
    if (key === "TN" || key === "VER") return;
    if (!current) {
      throw new ConfigurationError(`expected an SF record before ${key}, found ${key} outside any file record`, undefined, lineNumber);
    }
    const fields = value.split(",");
    switch (key) {
      case "DA": {
        const line = count(fields[0], "DA", lineNumber);
        current.lines.set(line, (current.lines.get(line) ?? 0) + count(fields[1], "DA", lineNumber));
        break;
      }
      case "BRDA": {
        const [line, block, branch, taken] = fields;
        count(line, "BRDA", lineNumber);
        const armKey = `${line}:${block}:${branch}`;
        current.branches.set(armKey, (current.branches.get(armKey) ?? 0) + count(taken, "BRDA", lineNumber));
        break;
      }
      case "FN": {
        // 1.x: FN:<line>,<name>; 2.x may add the end line: FN:<line>,<end>,<name>
        const line = count(fields[0], "FN", lineNumber);
        const name = fields.length >= 3 && /^\d+$/.test(fields[1] ?? "") ? fields.slice(2).join(",") : fields.slice(1).join(",");
        functionLines.set(name, line);
        const fnKey = `${name}@${line}`;
        if (!current.functions.has(fnKey)) current.functions.set(fnKey, 0);
        break;
      }
      case "FNDA": {
        const hits = count(fields[0], "FNDA", lineNumber);
        const name = fields.slice(1).join(",");
        const fnKey = `${name}@${functionLines.get(name) ?? 0}`;
        current.functions.set(fnKey, (current.functions.get(fnKey) ?? 0) + hits);
        break;
      }
      case "FNL": {
        // 2.x: FNL:<index>,<start>[,<end>] declares a function; FNA names it and gives its hits.
        lineNumbers.set(fields[0] ?? "", count(fields[1], "FNL", lineNumber));
        break;
      }
      case "FNA": {
        const [index, hits] = fields;
        const name = fields.slice(2).join(",");
        const fnKey = `${name}@${lineNumbers.get(index ?? "") ?? 0}`;
        current.functions.set(fnKey, (current.functions.get(fnKey) ?? 0) + count(hits, "FNA", lineNumber));
        break;
      }
      default:
        // LF/LH/BRF/BRH/FNF/FNH/MCDC/MCF/MCH and future records carry nothing we recompute from.
        break;
    }
  });

  return {
    write: (chunk) => splitter.write(chunk),
    end(): ParsedReport {
      const lineCount = splitter.end();
      if (current) {
        throw new ConfigurationError(
          `expected end_of_record for ${current.path} (opened at line ${currentStart}), found the end of the file (truncated?)`,
          undefined,
          lineCount,
        );
      }
      return { format: "lcov", files, sourceRoots: [] };
    },
  };
}
