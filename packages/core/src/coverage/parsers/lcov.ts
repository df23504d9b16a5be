import { ConfigurationError } from "../../errors.js";
import { detachString, MAX_LINE_LENGTH } from "../../text/lines.js";
import { emptyFileCoverage, type FileCoverage } from "../model.js";
import { lineNumberOf } from "./limits.js";
import type { CoverageParser, ParsedReport } from "./types.js";

/** Records that carry nothing we use: totals are recomputed from the detail (real files get them wrong). */
const IGNORED_RECORDS = new Set(["TN", "VER", "LF", "LH", "BRF", "BRH", "FNF", "FNH", "MCDC", "MCF", "MCH"]);
const RECORD_KEY = /^[A-Z][A-Z_]*$/;

function count(raw: string, record: string, lineNumber: number): number {
  // BRDA's taken is "-" when the branch's block never ran: zero times taken.
  if (raw === "-") return 0;
  const value = raw === "" ? Number.NaN : +raw;
  if (!Number.isFinite(value) || value < 0) {
    throw new ConfigurationError(`expected a non-negative number in the ${record} record, found ${JSON.stringify(raw.slice(0, 40))}`, undefined, lineNumber);
  }
  return value;
}

/**
 * lcov tracefiles, 1.x and 2.x: DA, BRDA (taken may be "-"), FN/FNDA and the
 * 2.x FNL/FNA pair. Built for 100 MB files: one pass, no regular expression
 * and no split on the DA and BRDA lines that make up most of a file.
 */
export function createLcovParser(): CoverageParser {
  const files: FileCoverage[] = [];
  let current: FileCoverage | undefined;
  let currentStart = 0;
  /** A function's name → its key in `functions` (`name@line`, of the last FN record naming it), for the FNDA records that give its hits. */
  let functionKeys = new Map<string, string>();
  let functionIndexLines = new Map<string, number>();

  const declareFunction = (file: FileCoverage, name: string, line: number) => {
    let key = `${name}@${line}`;
    if (!file.functions.has(key)) {
      // A copy, not a slice of the chunk: the key lives as long as the report.
      key = detachString(key);
      file.functions.set(key, 0);
    }
    functionKeys.set(name, key);
  };

  /** FNDA's hits for the function FN declared under `name` (at line 0 when none did). */
  const addFunctionHits = (file: FileCoverage, name: string, hits: number) => {
    const key = functionKeys.get(name) ?? `${name}@0`;
    file.functions.set(key, (file.functions.get(key) ?? 0) + hits);
  };

  const record = (line: string, lineNumber: number) => {
    const colon = line.indexOf(":");
    const key = colon === -1 ? line.trim() : line.slice(0, colon).trim();
    const value = colon === -1 ? "" : line.slice(colon + 1);
    if (key === "end_of_record") {
      if (!current) throw new ConfigurationError("expected an SF record before end_of_record, found none", undefined, lineNumber);
      files.push(current);
      current = undefined;
      return;
    }
    if (key === "") return;
    if (key === "SF") {
      if (current) {
        throw new ConfigurationError(
          `expected end_of_record before a new SF record, found SF:${value} while ${current.path} (line ${currentStart}) was still open`,
          undefined,
          lineNumber,
        );
      }
      // A copy, not a slice: a sliced string would keep the whole 1 MiB chunk it came from alive.
      current = emptyFileCoverage(detachString(value.trim()));
      currentStart = lineNumber;
      functionKeys = new Map();
      functionIndexLines = new Map();
      return;
    }
    if (IGNORED_RECORDS.has(key)) return;
    if (colon === -1 || !RECORD_KEY.test(key)) {
      throw new ConfigurationError(
        `expected an lcov record such as "DA:<line>,<hits>", found ${JSON.stringify(line.trim().slice(0, 60))}`,
        undefined,
        lineNumber,
      );
    }
    if (!current) throw new ConfigurationError(`expected an SF record before ${key}, found ${key} outside any file record`, undefined, lineNumber);
    switch (key) {
      case "DA": {
        // DA:<line>,<hits>[,<checksum>]
        const comma = value.indexOf(",");
        const end = value.indexOf(",", comma + 1);
        current.lines.add(
          lineNumberOf(count(value.slice(0, comma === -1 ? value.length : comma), "DA", lineNumber), "the DA record's line", lineNumber),
          count(comma === -1 ? "" : value.slice(comma + 1, end === -1 ? value.length : end), "DA", lineNumber),
        );
        return;
      }
      case "BRDA": {
        // BRDA:<line>,<block>,<branch>,<taken>; 2.x branches may be expressions holding commas.
        const first = value.indexOf(",");
        const second = value.indexOf(",", first + 1);
        const last = value.lastIndexOf(",");
        if (first === -1 || second === -1 || last <= second - 1 || last === first) {
          throw new ConfigurationError(
            `expected BRDA:<line>,<block>,<branch>,<taken>, found ${JSON.stringify(`BRDA:${value}`.slice(0, 60))}`,
            undefined,
            lineNumber,
          );
        }
        current.branches.add(
          lineNumberOf(count(value.slice(0, first), "BRDA", lineNumber), "the BRDA record's line", lineNumber),
          value.slice(first + 1, second),
          value.slice(second + 1, last),
          count(value.slice(last + 1).trim(), "BRDA", lineNumber),
        );
        return;
      }
      case "FN": {
        // 1.x: FN:<line>,<name>; 2.x may add the end line: FN:<line>,<end>,<name>
        const fields = value.split(",");
        const start = lineNumberOf(count(fields[0] ?? "", "FN", lineNumber), "the FN record's line", lineNumber);
        const name = fields.length >= 3 && /^\d+$/.test(fields[1] ?? "") ? fields.slice(2).join(",") : fields.slice(1).join(",");
        declareFunction(current, name, start);
        return;
      }
      case "FNDA": {
        const comma = value.indexOf(",");
        const name = value.slice(comma + 1);
        addFunctionHits(current, name, count(value.slice(0, comma), "FNDA", lineNumber));
        return;
      }
      case "FNL": {
        // 2.x: FNL:<index>,<start>[,<end>] declares a function; FNA names it and gives its hits.
        const [index = "", start = ""] = value.split(",");
        functionIndexLines.set(index, count(start, "FNL", lineNumber));
        return;
      }
      case "FNA": {
        const [index = "", hits = ""] = value.split(",", 2);
        const name = value.split(",").slice(2).join(",");
        const fnKey = `${name}@${functionIndexLines.get(index) ?? 0}`;
        current.functions.set(fnKey, (current.functions.get(fnKey) ?? 0) + count(hits, "FNA", lineNumber));
        return;
      }
      default:
        // A record from a later lcov version: nothing to count.
        return;
    }
  };

  /** Where the last `readUnsigned` stopped. */
  let cursor = 0;
  /** An unsigned integer of at most `maxDigits` digits at `position`, or -1 if there is none; sets `cursor`. */
  const readUnsigned = (text: string, position: number, end: number, maxDigits: number): number => {
    let value = 0;
    let digits = 0;
    for (let code = position < end ? text.charCodeAt(position) : -1; code >= 48 && code <= 57; code = ++position < end ? text.charCodeAt(position) : -1) {
      value = value * 10 + code - 48;
      digits += 1;
    }
    cursor = position;
    return digits === 0 || digits > maxDigits ? -1 : value;
  };

  /**
   * DA and BRDA records (nine lines in ten) of plain integers, read straight
   * from the chunk in one pass that also finds where the line ends: no
   * indexOf, no cut, no call per number. `lineEnd` is the end of a line
   * already cut out, or -1 when the record must end at a newline in `text`.
   * Returns where the record ends, or -1 for anything else (a sign, a
   * checksum, a fraction, a CR, a line cut by the chunk's end), which the
   * general path reads and reports.
   */
  const countsRecord = (text: string, start: number, lineEnd: number): number => {
    const file = current;
    // Never read past the text: a charCodeAt out of bounds makes V8 compile every read of the loop slower.
    const limit = lineEnd === -1 ? text.length : lineEnd;
    if (file === undefined || start + 6 > limit) return -1;
    const first = text.charCodeAt(start);
    let position: number;
    if (first === 68) {
      if (text.charCodeAt(start + 1) !== 65 || text.charCodeAt(start + 2) !== 58) return -1;
      position = start + 2;
    } else if (first === 66) {
      if (text.charCodeAt(start + 1) !== 82 || text.charCodeAt(start + 2) !== 68 || text.charCodeAt(start + 3) !== 65 || text.charCodeAt(start + 4) !== 58)
        return -1;
      position = start + 4;
    } else return -1;
    // DA's line and hits; BRDA's line, block, arm and taken: digits each, after the colon or a comma (`position` is on the colon).
    const fields = first === 66 ? 4 : 2;
    let line = 0;
    let block = 0;
    let arm = 0;
    let count = 0;
    let code = 44;
    for (let field = 0; field < fields; field += 1) {
      if (code !== 44) return -1;
      const from = ++position;
      let value = 0;
      code = position < limit ? text.charCodeAt(position) : -1;
      while (code >= 48 && code <= 57) {
        value = value * 10 + code - 48;
        code = ++position < limit ? text.charCodeAt(position) : -1;
      }
      const digits = position - from;
      if (field === fields - 1) {
        // BRDA's taken "-": the branch's block never ran.
        if (digits === 0 && fields === 4 && code === 45) code = ++position < limit ? text.charCodeAt(position) : -1;
        else if (digits === 0 || digits > 15) return -1;
        count = value;
      } else if (digits === 0 || digits > 9) return -1;
      else if (field === 0) line = value;
      else if (field === 1) block = value;
      else arm = value;
    }
    if (lineEnd === -1 ? code !== 10 : position !== lineEnd) return -1;
    if (first === 66) file.branches.add(line, block, arm, count);
    else file.lines.add(line, count);
    return position;
  };

  /**
   * FN:<line>,<name> (1.x) or FN:<line>,<end>,<name> (2.x: a second field of
   * digits followed by a comma), read as the general path reads it.
   */
  const fastFN = (text: string, start: number, end: number, lineNumber: number): boolean => {
    if (!current || !text.startsWith("FN:", start)) return false;
    const line = readUnsigned(text, start + 3, end, 9);
    if (line < 0 || text.charCodeAt(cursor) !== 44) return false;
    let nameStart = cursor + 1;
    let digit = nameStart;
    while (digit < end && text.charCodeAt(digit) >= 48 && text.charCodeAt(digit) <= 57) digit += 1;
    if (digit > nameStart && digit < end && text.charCodeAt(digit) === 44) nameStart = digit + 1;
    declareFunction(current, text.slice(nameStart, end), lineNumberOf(line, "the FN record's line", lineNumber));
    return true;
  };

  /**
   * FNDA:<hits>,<name> — a function's hits, one per function of every file:
   * the integer read straight from the chunk, only the name cut out.
   */
  const fastFNDA = (text: string, start: number, end: number): boolean => {
    if (!current || !text.startsWith("FNDA:", start)) return false;
    const hits = readUnsigned(text, start + 5, end, 15);
    if (hits < 0 || text.charCodeAt(cursor) !== 44) return false;
    addFunctionHits(current, text.slice(cursor + 1, end), hits);
    return true;
  };

  /** TN, LF/LH, BRF/BRH, FNF/FNH: records with nothing to count, skipped without cutting the line out. */
  const isSummaryRecord = (text: string, start: number): boolean => {
    const first = text.charCodeAt(start);
    const second = text.charCodeAt(start + 1);
    if (first === 76) return (second === 70 || second === 72) && text.charCodeAt(start + 2) === 58;
    if (first === 84) return second === 78 && text.charCodeAt(start + 2) === 58;
    if ((first === 66 && second === 82) || (first === 70 && second === 78)) {
      const third = text.charCodeAt(start + 2);
      return (third === 70 || third === 72) && text.charCodeAt(start + 3) === 58;
    }
    return false;
  };

  const dispatch = (text: string, start: number, end: number) => {
    lineNumber += 1;
    if (end > start && text.charCodeAt(end - 1) === 13) end -= 1;
    if (end - start > MAX_LINE_LENGTH)
      throw new ConfigurationError(
        `expected lines shorter than ${MAX_LINE_LENGTH} characters, found one of ${end - start} (binary or corrupted file?)`,
        undefined,
        lineNumber,
      );
    if (countsRecord(text, start, end) === -1 && !fastFNDA(text, start, end) && !fastFN(text, start, end, lineNumber) && !isSummaryRecord(text, start))
      record(text.slice(start, end), lineNumber);
  };

  let pending = "";
  let lineNumber = 0;
  return {
    write(chunk) {
      let start = 0;
      // The line cut by the previous chunk's end: join just that line, never the whole chunk.
      const firstNewline = pending ? chunk.indexOf("\n") : -1;
      if (firstNewline !== -1) {
        const line = pending + chunk.slice(0, firstNewline);
        pending = "";
        dispatch(line, 0, line.length);
        start = firstNewline + 1;
      }
      for (;;) {
        const recordEnd = countsRecord(chunk, start, -1);
        if (recordEnd !== -1) {
          lineNumber += 1;
          start = recordEnd + 1;
          continue;
        }
        const newline = chunk.indexOf("\n", start);
        if (newline === -1) break;
        dispatch(chunk, start, newline);
        start = newline + 1;
      }
      pending += chunk.slice(start);
      if (pending.length > MAX_LINE_LENGTH)
        throw new ConfigurationError(
          `expected lines shorter than ${MAX_LINE_LENGTH} characters, found a longer one (binary or corrupted file?)`,
          undefined,
          lineNumber + 1,
        );
    },
    end(): ParsedReport {
      if (pending) {
        dispatch(pending, 0, pending.length);
        pending = "";
      }
      const lineCount = lineNumber;
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
