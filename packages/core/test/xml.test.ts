import { readdirSync } from "node:fs";
import { fixture, fixturePath } from "@release-gates/test-helpers/fixtures";
import { FUZZ_TIMEOUT_MS, fuzzParameters } from "@release-gates/test-helpers/fuzz";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../src/errors.js";
import { XmlStream } from "../src/xml.js";

/** Every element event, in order, as saxes alone or with plain elements read aside gives them. */
function events(text: string, chunkSize: number, plainElements?: string[]): string[] {
  const seen: string[] = [];
  const xml = new XmlStream(
    {
      open: (name, attributes, line) => seen.push(`${line} <${name} ${JSON.stringify(Object.entries(attributes))}>`),
      close: (name) => seen.push(`</${name}>`),
    },
    { plainElements },
  );
  try {
    for (let at = 0; at < text.length; at += chunkSize) xml.write(text.slice(at, at + chunkSize));
    xml.end();
  } catch (error) {
    // The line saxes names for some errors depends on where its input was cut (as it does for any
    // chunking), so an error is compared by what it says; elements are compared with their lines.
    seen.push(error instanceof ConfigurationError ? `error: ${error.detail}` : `crash: ${error}`);
  }
  return seen;
}

const coverageXml = readdirSync(fixturePath("coverage")).filter((name) => name.endsWith(".xml"));
const junitXml = readdirSync(fixturePath("tests")).filter((name) => name.endsWith(".xml"));

describe("plain elements read aside from saxes", () => {
  it.each([...coverageXml.map((name) => `coverage/${name}`), ...junitXml.map((name) => `tests/${name}`)])(
    "%s gives the same events as saxes alone, in chunks of any size",
    (path) => {
      const text = fixture(path);
      for (const chunkSize of [7, 61, 4096, 65536])
        expect(events(text, chunkSize, ["line", "counter", "testcase", "property"])).toEqual(events(text, chunkSize));
    },
  );

  it.each([
    ["in a comment", '<r><!-- <line number="1" hits="1"/> --><line number="2" hits="0"/></r>'],
    ["in CDATA", '<r><![CDATA[<line number="1" hits="1"/>]]><line number="2" hits="0"/></r>'],
    ["in an attribute value's place", '<r a="<line number=\\"1\\"/>"/>'],
    ["before the root", '<line number="1" hits="1"/><r/>'],
    ["after the root", '<r/><line number="1" hits="1"/>'],
    ["with an attribute twice", '<r><line number="1" number="2"/></r>'],
    ["with a reference in a value", '<r><line number="&#49;" hits="1"/></r>'],
    ["after a carriage return", '<r>\r<line number="1" hits="1"/>\r\n<line number="2" hits="1"/></r>'],
    ["with names that extend the last element's", '<r><line num="1" count="2"/><line number="1" count="2"/><line num="3" counter="4"/></r>'],
    ["between others, after blanks and carriage returns", '<r><line a="1"/>\r<line a="2"/>\r\n<line a="3"/>\n\t <line a="4"/> \n<x/>\n<line a="5"/></r>'],
    ["cut at the end of the document", '<r><line number="1" hits="1"'],
    ["named like one but longer", '<r><lines><line number="1" hits="1"/></lines><liner a="1"/></r>'],
  ])("an element %s is what saxes says it is", (_case, text) => {
    for (const chunkSize of [1, 3, 1 << 20]) expect(events(text, chunkSize, ["line"])).toEqual(events(text, chunkSize));
  });

  it("attribute layouts are told apart: order, names with a dot, more layouts than are learned", () => {
    const learned = Array.from({ length: 20 }, (_, index) => `<line n${index}="${index}"/><line a="1" n${index}="x"/>`).join("\n");
    const text = `<r><line a="1" b="2"/><line b="2" a="1"/><line a="3"/><line a.b="4"/><line axb="5"/><line a.b="6" c="7"/>\n${learned}\n<line a="1" b="2"/></r>`;
    for (const chunkSize of [1, 7, 1 << 20]) expect(events(text, chunkSize, ["line"])).toEqual(events(text, chunkSize));
  });

  it("several plain names, one beginning another, are each read as themselves", () => {
    const text = '<r><line a="1"/><lines b="2"/><line/><lines/><linesx c="3"/></r>';
    for (const chunkSize of [1, 5, 1 << 20]) expect(events(text, chunkSize, ["line", "lines"])).toEqual(events(text, chunkSize));
  });

  // Pieces that change what a `<line` is: markup openers and closers, quotes, references, line breaks.
  const pieces = [
    '<line number="1" hits="2"/>',
    '<line a="1" a="2"/>',
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    '"',
    "'",
    "&amp;",
    "&",
    "\r",
    "\n",
    "\t",
    '<other a="1"/>',
    "<r>",
    "</r>",
    "<line",
    '<line b="3" number="1"/>',
    '<line number="4"/>',
    "/>",
    " ",
  ];
  it("documents spliced from those pieces give the same events as saxes alone, whatever the chunks", { timeout: FUZZ_TIMEOUT_MS }, () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), fc.integer({ min: 1, max: 50 }), (parts, chunkSize) => {
        const text = `<r>${parts.join("")}</r>`;
        expect(events(text, chunkSize, ["line"])).toEqual(events(text, chunkSize));
      }),
      fuzzParameters(),
    );
  });
});
