import { ConfigurationError } from "../../errors.js";
import { createCloverParser } from "./clover.js";
import { createCoberturaParser } from "./cobertura.js";
import { createGoCoverParser } from "./go.js";
import { createIstanbulParser } from "./istanbul.js";
import { createJacocoParser } from "./jacoco.js";
import { createLcovParser } from "./lcov.js";
import type { CoverageFormat, CoverageParser, ParsedReport } from "./types.js";

export * from "./types.js";

/** How much of a report's start `detectCoverageFormat` wants to see. */
export const DETECTION_WINDOW = 8192;

/** The root element and its attributes, skipping the prolog, comments and DOCTYPE. */
function xmlRoot(head: string): { name: string; attributes: string } | undefined {
  const pattern = /<([A-Za-z_][\w:.-]*)([^>]*)>/g;
  for (let match = pattern.exec(head); match; match = pattern.exec(head)) {
    const before = head.slice(0, match.index);
    // Skip elements inside comments (<!-- ... <x> ... -->).
    if (before.lastIndexOf("<!--") > before.lastIndexOf("-->")) continue;
    return { name: match[1] ?? "", attributes: match[2] ?? "" };
  }
  return undefined;
}

/**
 * Decides a report's format from its first bytes, never from its file name:
 * `coverage.xml` may be Cobertura, Clover or something else entirely.
 */
export function detectCoverageFormat(head: string): CoverageFormat | "istanbul-json" {
  const text = head.replace(/^\uFEFF/, "").trimStart();
  if (text === "") throw new ConfigurationError("expected a coverage report, found an empty file");
  if (text.startsWith("{")) return "istanbul-json";
  if (/^mode: (set|count|atomic)\b/.test(text)) return "go";
  if (/^(TN|SF|VER):/.test(text)) return "lcov";
  if (text.startsWith("<")) {
    const root = xmlRoot(text);
    if (root?.name === "report") return "jacoco";
    if (root?.name === "coverage") {
      if (/\b(line-rate|lines-valid)=/.test(root.attributes) || /<(sources|packages)\b/.test(text)) return "cobertura";
      if (/\bclover=/.test(root.attributes) || /<project\b/.test(text)) return "clover";
      return "cobertura";
    }
    if (root?.name === "SolutionRoot") {
      throw new ConfigurationError(
        "expected a coverage report with file paths and line numbers, found a JetBrains dotCover XML report (<SolutionRoot>), which has neither: export Cobertura instead (for example with coverlet or `dotnet-coverage --output-format cobertura`)",
      );
    }
    throw new ConfigurationError(`expected a Cobertura, Clover or JaCoCo XML report, found an XML document whose root is <${root?.name ?? "?"}>`);
  }
  const first = text.split(/\r?\n/, 1)[0] ?? "";
  throw new ConfigurationError(
    `expected a coverage report (lcov, Cobertura, Clover, JaCoCo, istanbul JSON or a Go cover profile), found content starting with ${JSON.stringify(first.slice(0, 40))}`,
  );
}

export function createCoverageParser(format: CoverageFormat | "istanbul-json"): CoverageParser {
  switch (format) {
    case "lcov":
      return createLcovParser();
    case "cobertura":
      return createCoberturaParser();
    case "clover":
      return createCloverParser();
    case "jacoco":
      return createJacocoParser();
    case "go":
      return createGoCoverParser();
    case "istanbul":
    case "istanbul-summary":
      return createIstanbulParser(format);
    case "istanbul-json":
      return createIstanbulParser();
  }
}

/**
 * Parses a whole report held in memory (tests, small files). Streams go
 * through `createCoverageParser` chunk by chunk.
 */
export function parseCoverageReport(text: string, format?: CoverageFormat): ParsedReport {
  const content = text.replace(/^\uFEFF/, "");
  if (content.includes("\u0000")) throw new ConfigurationError("expected a text coverage report, found binary data (NUL bytes)");
  const parser = createCoverageParser(format ?? detectCoverageFormat(content.slice(0, DETECTION_WINDOW)));
  parser.write(content);
  return parser.end();
}
