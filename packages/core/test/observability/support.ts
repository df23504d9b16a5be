import { fixture } from "@release-gates/test-helpers/fixtures";
import { type Evidence, EvidenceReader } from "../../src/observability/evidence.js";

/** The corpus files as a repository would hold them, by their fixture path under observability/. */
export const corpus = (name: string): { path: string; text: string } => ({ path: `monitoring/${name}`, text: fixture(`observability/${name}`) });

/** Evidence read from files given as path and text. */
export function evidenceOf(...files: { path: string; text: string }[]): Evidence {
  const reader = new EvidenceReader();
  for (const file of files) reader.add(file.path, file.text);
  return reader.finish();
}

/** How many lines of a text match: counts taken from the raw files, independently of the parsers. */
export const countLines = (text: string, pattern: RegExp): number => text.split("\n").filter((line) => pattern.test(line)).length;
