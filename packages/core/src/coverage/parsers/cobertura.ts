import { ConfigurationError } from "../../errors.js";
import { detachString } from "../../text/lines.js";
import { integerAttribute, XmlStream } from "../../xml.js";
import { CoverageMap, emptyFileCoverage, type FileCoverage } from "../model.js";
import { coveredOfTotal, ExpansionBudget, lineNumberOf } from "./limits.js";
import type { CoverageParser, ParsedReport } from "./types.js";

const CONDITION_COVERAGE = /\((\d+)\/(\d+)\)/;

/**
 * Cobertura XML (coverlet, coverage.py, Cobertura, gcovr…). Only class-level
 * `<lines>` count: Cobertura repeats every line under `<methods>`. Header
 * totals are ignored (real files disagree with their own bodies). Classes
 * sharing a file name (C# nested/generated classes) merge into one file.
 */
export function createCoberturaParser(): CoverageParser {
  const coverage = new CoverageMap();
  const budget = new ExpansionBudget();
  const sourceRoots: string[] = [];
  let sourceText: string | undefined;
  let sawRoot = false;
  let currentClass: FileCoverage | undefined;
  let inMethods = false;
  let method: { key: string; firstLine: number | undefined; hit: boolean } | undefined;

  const xml = new XmlStream(
    {
      open(name, attributes, line) {
        if (!sawRoot) {
          if (name !== "coverage") throw new ConfigurationError(`expected a Cobertura <coverage> root element, found <${name}>`, undefined, line);
          sawRoot = true;
        }
        switch (name) {
          case "source":
            sourceText = "";
            break;
          case "class": {
            const filename = attributes.filename;
            if (!filename) throw new ConfigurationError('expected <class filename="…">, found a class without a filename', undefined, line);
            currentClass = emptyFileCoverage(detachString(filename));
            break;
          }
          case "methods":
            inMethods = true;
            break;
          case "method":
            // Keyed by name and first line as lcov and istanbul key functions: the same run in two formats counts each once.
            if (currentClass) method = { key: attributes.name ?? "?", firstLine: undefined, hit: false };
            break;
          case "line": {
            if (!currentClass) break;
            const number = lineNumberOf(integerAttribute(attributes.number, "number", "line", line), '<line number="…">', line);
            const hits = integerAttribute(attributes.hits, "hits", "line", line);
            if (inMethods) {
              if (method) {
                method.firstLine ??= number;
                method.hit ||= hits > 0;
              }
              break;
            }
            currentClass.lines.add(number, hits);
            const condition = CONDITION_COVERAGE.exec(attributes["condition-coverage"] ?? "");
            if (attributes.branch?.toLowerCase() === "true" && condition) {
              const { covered, total } = coveredOfTotal(Number(condition[1]), Number(condition[2]), "condition-coverage", line);
              budget.spend(total, `condition-coverage claiming ${total} conditions on one line`, line);
              currentClass.branches.addAggregate(number, covered, total);
            }
            break;
          }
          default:
            break;
        }
      },
      close(name) {
        if (name === "source" && sourceText !== undefined) {
          if (sourceText.trim()) sourceRoots.push(sourceText.trim());
          sourceText = undefined;
        } else if (name === "method" && method && currentClass) {
          currentClass.functions.set(detachString(`${method.key}@${method.firstLine ?? 0}`), method.hit ? 1 : 0);
          method = undefined;
        } else if (name === "methods") {
          inMethods = false;
        } else if (name === "class" && currentClass) {
          coverage.add(currentClass);
          currentClass = undefined;
        }
      },
      text(text) {
        if (sourceText !== undefined) sourceText += text;
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
      if (!sawRoot) throw new ConfigurationError("expected a Cobertura <coverage> document, found no XML elements");
      return { format: "cobertura", files: [...coverage.values()], sourceRoots };
    },
  };
}
