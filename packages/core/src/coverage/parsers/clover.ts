import { ConfigurationError } from "../../errors.js";
import { detachString } from "../../text/lines.js";
import { integerAttribute, XmlStream } from "../../xml.js";
import { LineHits } from "../hits.js";
import { CoverageMap, emptyFileCoverage, type FileCoverage } from "../model.js";
import { coveredOfTotal, ExpansionBudget, lineNumberOf } from "./limits.js";
import type { CoverageParser, ParsedReport } from "./types.js";

/**
 * Clover XML. `type="cond"` lines mean two different things: OpenClover and
 * PHPUnit write how often the condition was true and false (two arms), while
 * istanbul's clover reporter (the one that writes `clover="3.2.0"`) writes
 * covered and uncovered arm counts. Statements are the stmt + cond lines, as
 * the project `<metrics statements>` counts them. Methods come from method
 * lines, or from the file's `<metrics methods>` when it has none.
 */
export function createCloverParser(): CoverageParser {
  const coverage = new CoverageMap();
  const budget = new ExpansionBudget();
  let sawRoot = false;
  let countsArms = false;
  let currentFile: (FileCoverage & { statements: LineHits }) | undefined;

  const xml = new XmlStream(
    {
      open(name, attributes, line) {
        if (!sawRoot) {
          if (name !== "coverage") throw new ConfigurationError(`expected a Clover <coverage> root element, found <${name}>`, undefined, line);
          sawRoot = true;
          countsArms = attributes.clover === "3.2.0";
          return;
        }
        if (name === "file") {
          const path = attributes.path || attributes.name;
          if (!path) throw new ConfigurationError('expected <file path="…"> or <file name="…">, found neither', undefined, line);
          currentFile = { ...emptyFileCoverage(detachString(path)), statements: new LineHits() };
          return;
        }
        // istanbul's clover reporter writes no method lines, only the file's method totals.
        if (name === "metrics" && currentFile && attributes.methods !== undefined) {
          const total = integerAttribute(attributes.methods, "methods", "metrics", line);
          const covered = integerAttribute(attributes.coveredmethods, "coveredmethods", "metrics", line);
          currentFile.summary = { functions: coveredOfTotal(covered, total, "<metrics coveredmethods>", line, "methods") };
          return;
        }
        if (name !== "line" || !currentFile) return;
        const number = lineNumberOf(integerAttribute(attributes.num, "num", "line", line), '<line num="…">', line);
        const count = integerAttribute(attributes.count, "count", "line", line);
        const type = attributes.type ?? "stmt";
        if (type === "method") {
          currentFile.functions.set(detachString(`${attributes.name ?? attributes.signature ?? "method"}@${number}`), count);
          return;
        }
        // Statements are these lines, as Clover's <metrics statements> counts them: kept per line number.
        currentFile.lines.add(number, count);
        currentFile.statements.add(number, count);
        if (type !== "cond") return;
        const trueCount = integerAttribute(attributes.truecount, "truecount", "line", line);
        const falseCount = integerAttribute(attributes.falsecount, "falsecount", "line", line);
        if (countsArms) {
          if (trueCount + falseCount > 0) {
            budget.spend(trueCount + falseCount, `truecount="${trueCount}" falsecount="${falseCount}" on one line`, line);
            currentFile.branches.addAggregate(number, trueCount, trueCount + falseCount);
          }
        } else {
          currentFile.branches.add(number, 0, 0, trueCount);
          currentFile.branches.add(number, 0, 1, falseCount);
        }
      },
      close(name) {
        if (name === "file" && currentFile) {
          coverage.add(currentFile);
          currentFile = undefined;
        }
      },
    },
    { plainElements: ["line"] },
  );

  return {
    write: (chunk) => {
      budget.grow(chunk.length);
      xml.write(chunk);
    },
    end(): ParsedReport {
      xml.end();
      if (!sawRoot) throw new ConfigurationError("expected a Clover <coverage> document, found no XML elements");
      return { format: "clover", files: [...coverage.values()], sourceRoots: [] };
    },
  };
}
