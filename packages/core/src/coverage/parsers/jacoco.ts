import { ConfigurationError } from "../../errors.js";
import { detachString } from "../../text/lines.js";
import { integerAttribute, XmlStream } from "../../xml.js";
import { CoverageMap, emptyFileCoverage, type FileCoverage } from "../model.js";
import { ExpansionBudget, lineNumberOf } from "./limits.js";
import type { CoverageParser, ParsedReport } from "./types.js";

interface PendingClass {
  simpleName: string;
  sourceFile: string | undefined;
  methods: Map<string, number>;
}

/**
 * JaCoCo XML. Paths are package + source file name (`com/acme/Foo.java`): JaCoCo
 * records no source roots, so the path normaliser maps them onto the repo.
 * Lines come from `<line nr mi ci mb cb>`, methods from each method's METHOD
 * counter, matched to a source file through the class's `sourcefilename`.
 */
export function createJacocoParser(): CoverageParser {
  const coverage = new CoverageMap();
  const budget = new ExpansionBudget();
  let sawRoot = false;
  let packageName = "";
  let packageFiles = new Map<string, FileCoverage>();
  let packageClasses: PendingClass[] = [];
  let currentClass: PendingClass | undefined;
  let currentMethod: string | undefined;
  let currentFile: FileCoverage | undefined;

  const xml = new XmlStream(
    {
      open(name, attributes, line) {
        if (!sawRoot) {
          if (name !== "report") throw new ConfigurationError(`expected a JaCoCo <report> root element, found <${name}>`, undefined, line);
          sawRoot = true;
          return;
        }
        switch (name) {
          case "package":
            packageName = attributes.name ?? "";
            packageFiles = new Map();
            packageClasses = [];
            break;
          case "class": {
            const simpleName = (attributes.name ?? "").split("/").pop() ?? "";
            currentClass = { simpleName, sourceFile: attributes.sourcefilename, methods: new Map() };
            packageClasses.push(currentClass);
            break;
          }
          case "method":
            if (currentClass) currentMethod = `${attributes.name ?? "?"}${attributes.desc ?? ""}@${attributes.line ?? 0}`;
            break;
          case "counter":
            if (currentMethod && currentClass && attributes.type === "METHOD") {
              currentClass.methods.set(currentMethod, integerAttribute(attributes.covered, "covered", "counter", line));
            }
            break;
          case "sourcefile": {
            const fileName = attributes.name ?? "";
            currentFile = emptyFileCoverage(detachString(packageName ? `${packageName}/${fileName}` : fileName));
            packageFiles.set(fileName, currentFile);
            break;
          }
          case "line": {
            if (!currentFile) break;
            const number = lineNumberOf(integerAttribute(attributes.nr, "nr", "line", line), '<line nr="…">', line);
            const missedInstructions = integerAttribute(attributes.mi, "mi", "line", line);
            const coveredInstructions = integerAttribute(attributes.ci, "ci", "line", line);
            const missedBranches = integerAttribute(attributes.mb, "mb", "line", line);
            const coveredBranches = integerAttribute(attributes.cb, "cb", "line", line);
            if (missedInstructions + coveredInstructions > 0) currentFile.lines.set(number, coveredInstructions);
            if (missedBranches + coveredBranches > 0) {
              budget.spend(missedBranches + coveredBranches, `mb="${missedBranches}" cb="${coveredBranches}" on one line`, line);
              currentFile.branches.addAggregate(number, coveredBranches, missedBranches + coveredBranches);
            }
            break;
          }
          default:
            break;
        }
      },
      close(name) {
        if (name === "method") currentMethod = undefined;
        else if (name === "class") currentClass = undefined;
        else if (name === "sourcefile") currentFile = undefined;
        else if (name === "package") {
          for (const pending of packageClasses) {
            // Inner classes (Outer$Inner) live in Outer's source file.
            const outer = pending.simpleName.split("$")[0] ?? "";
            const file = pending.sourceFile
              ? packageFiles.get(pending.sourceFile)
              : [...packageFiles.entries()].find(([fileName]) => fileName.replace(/\.[^.]+$/, "") === outer)?.[1];
            if (!file) continue;
            for (const [key, hits] of pending.methods) file.functions.set(detachString(key), hits);
          }
          for (const file of packageFiles.values()) coverage.add(file);
        }
      },
    },
    { plainElements: ["line", "counter"] },
  );

  return {
    write: (chunk) => {
      budget.grow(chunk.length);
      xml.write(chunk);
    },
    end(): ParsedReport {
      xml.end();
      if (!sawRoot) throw new ConfigurationError("expected a JaCoCo <report> document, found no XML elements");
      return { format: "jacoco", files: [...coverage.values()], sourceRoots: [] };
    },
  };
}
