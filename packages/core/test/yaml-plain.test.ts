import { readFileSync } from "node:fs";
import { fixture } from "@release-gates/test-helpers/fixtures";
import { FUZZ_TIMEOUT_MS, fuzzParameters, mutationsOf } from "@release-gates/test-helpers/fuzz";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { readPolicy } from "../src/policy/load.js";
import { parsePolicy } from "../src/policy/parse.js";
import { readPlainYaml } from "../src/yaml-plain.js";

const example = (path: string) => readFileSync(new URL(`../../../examples/${path}`, import.meta.url), "utf8");

const CORPUS = [
  example("sample-service/release-gates.yml"),
  example("sample-service/monitoring/rules/sample-slo.rules.yml"),
  example("github/release.yml"),
  example("gitlab/.gitlab-ci.yml"),
  fixture("observability/slo/sloth-getting-started.slo.yml"),
  fixture("security/audits/openzeppelin-contracts.audits.yml"),
];

/** Empty documents: every reader leaves them out (a comment alone is one empty document to js-yaml, none to the yaml library). */
const withContent = (values: unknown[]) => values.filter((value) => value !== null && value !== undefined);

/** What the `yaml` library reads: every document's value, or undefined when it reports any error. */
function readByYamlLibrary(text: string): unknown[] | undefined {
  const documents = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true, logLevel: "silent" });
  if ("empty" in documents) return documents.errors.length ? undefined : [];
  if (documents.some((document) => document.errors.length > 0)) return undefined;
  return withContent(documents.map((document) => document.toJS({ maxAliasCount: 100 })));
}

/** Text js-yaml and the `yaml` library could read differently, spliced into real YAML. */
const YAML_TOKENS = [
  "1_000",
  "0b101",
  "-0x1A",
  "0x1A",
  "0o17",
  "-0o17",
  "017",
  "+12",
  "-0",
  "-.5",
  ".5",
  "1.",
  "1e3",
  "-1E-3",
  ".inf",
  "-.Inf",
  "+.INF",
  ".NaN",
  ".nan",
  "~",
  "null",
  "Null",
  "NULL",
  "true",
  "True",
  "TRUE",
  "yes",
  "on",
  "y",
  "2026-12-08",
  "12:30",
  "=",
  "<<",
  "? ",
  "?",
  "- ",
  ": ",
  ":",
  "{",
  "}",
  "[",
  "]",
  ",",
  "&a ",
  "*a",
  "%YAML 1.1\n",
  "%TAG ! tag:x,2000:\n",
  "x".repeat(1030),
  "!!str ",
  "!!int ",
  "!!float ",
  "!!binary ",
  "!custom ",
  "|",
  ">",
  "|-",
  ">+",
  "\t",
  "#",
  "'",
  '"',
  "\\",
  "\n",
  "\n  ",
  "---\n",
  "...\n",
  "%YAML 1.2\n",
  "__proto__",
  "constructor",
];
const yamlMutation = fc
  .tuple(
    fc.constantFrom(...CORPUS),
    fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...YAML_TOKENS)), { minLength: 1, maxLength: 4 }),
  )
  .map(([text, edits]) =>
    edits.reduce((current, [at, token]) => {
      const start = Math.floor(current.length * at);
      return current.slice(0, start) + token + current.slice(start);
    }, text),
  );

describe("js-yaml read as the yaml library reads", () => {
  it.each([
    ["1_000", "1_000"],
    ["0b101", "0b101"],
    ["-0x1A", "-0x1A"],
    ["0x1A", 26],
    ["0o17", 15],
    ["017", 17],
    ["+12", 12],
    ["-.5", -0.5],
    ["1.", 1],
    ["1e3", 1000],
    ["-.Inf", Number.NEGATIVE_INFINITY],
    [".NaN", Number.NaN],
    ["~", null],
    ["Null", null],
    ["yes", "yes"],
    ["on", "on"],
    ["2026-12-08", "2026-12-08"],
  ])("the plain scalar %s", (text, expected) => {
    expect(readPlainYaml(`value: ${text}\n`)?.values).toStrictEqual([{ value: expected }]);
    expect(readByYamlLibrary(`value: ${text}\n`)).toStrictEqual([{ value: expected }]);
  });

  it.each([
    ["a key that is null, which the yaml library names ''", "null: 1\n"],
    ["an empty key", ": 1\n"],
    ["a collection as a key", "? [a, b]\n: 1\n"],
    ["a flow mapping with a key and no value", "{a, b: 2}\n"],
    ["a one-pair mapping in a flow sequence", "[a: 1, b]\n"],
    ["anchors and aliases", "a: &x 1\nb: *x\n"],
    ["a key that reaches the prototype", "gates:\n  __proto__: { coverage: 1 }\n"],
    ["a syntax error", "a: [1, 2\n"],
    ["a tag js-yaml does not know", "a: !!binary aGk=\n"],
    ["a tag", "a: !!str 1\n"],
    ["a tag on nothing", "!!float\n---\na: 1\n"],
    ["a YAML 1.1 document, where `yes` is true", "%YAML 1.1\n---\na: yes\n"],
    ["a comment against a flow collection", "a: [b]#c\n"],
    ["a comment against a quoted scalar", 'a: "b"#c\n'],
    ["a block scalar that is the whole document", "|-\n  text\n"],
    ["a tab in a line's indentation", "\t---\nversion: 1\n"],
    ["a quoted scalar over lines not indented beyond its key", "a:\n  b: 'x\n  y'\n"],
    ["a quoted scalar over lines not indented beyond its mapping's dash", "- a: 'x\n  y'\n"],
    ["a quoted scalar over lines not indented beyond its sequence's dash", 'a:\n  - "x\n  y"\n'],
    ["a flow collection over lines not indented as YAML requires", "a:\n  b: [\n  x]\n"],
    ["line breaks that are carriage returns alone", "a: 1\rb: 2\r"],
    ["a comment against a quoted scalar that follows a blank", 'a: "b c: "#d"\n'],
    ["an implicit key longer than YAML allows", `${"k".repeat(1030)}: 1\n`],
    ["a document nested deeper than js-yaml goes", `a: ${"[".repeat(20000)}${"]".repeat(20000)}\n`],
  ])("left to the yaml library: %s", (_name, text) => {
    expect(readPlainYaml(text)).toBeUndefined();
  });

  it.each(CORPUS.map((text, index) => [index, text]))("real YAML is read by js-yaml, as the yaml library reads it (corpus file %i)", (_index, text) => {
    const plain = readPlainYaml(text as string);
    expect(plain).toBeDefined();
    expect(readByYamlLibrary(text as string)).toStrictEqual(withContent(plain?.values ?? []));
  });

  it.each([
    ["a quoted scalar over lines indented beyond its key", "a:\n  b: 'x\n   y'\n", { a: { b: "x y" } }],
    ["a quoted scalar over lines, with a blank line", "a:\n  b: 'x\n\n   y'\n", { a: { b: "x\ny" } }],
    ["a flow mapping over lines indented beyond its key", "k:\n  a: {x: 1,\n   y: 2}\n", { k: { a: { x: 1, y: 2 } } }],
    ["PromQL's negations, which are no tags", 'expr: up{job!="x"} != 1 and on() x !~ "y"\n', { expr: 'up{job!="x"} != 1 and on() x !~ "y"' }],
    ["lines that end in CRLF", "a: 'x\r\n  y'\r\nb: [1,\r\n  2]\r\n", { a: "x y", b: [1, 2] }],
  ])("read by js-yaml: %s", (_name, text, value) => {
    expect(readPlainYaml(text)?.values).toStrictEqual([value]);
    expect(readByYamlLibrary(text)).toStrictEqual([value]);
  });

  it("documents and their nodes line up, empty documents included", () => {
    const plain = readPlainYaml("a: 1\n---\n---\nb: [x, y]\n");
    expect(plain?.values).toStrictEqual([{ a: 1 }, null, { b: ["x", "y"] }]);
    expect(plain?.roots.map((root) => root.line)).toEqual([1, 3, 4]);
  });

  it(
    "what it reads, the yaml library reads the same, without an error (real YAML with YAML's pitfalls spliced in)",
    () => {
      fc.assert(
        fc.property(fc.oneof(yamlMutation, mutationsOf(...CORPUS)), (text) => {
          const plain = readPlainYaml(text);
          if (plain) expect(readByYamlLibrary(text), text).toStrictEqual(withContent(plain.values));
        }),
        fuzzParameters(),
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});

describe("the policy as the gates read it", () => {
  async function outcome(read: () => unknown): Promise<unknown> {
    try {
      return { value: await read() };
    } catch (error) {
      return { error: String(error) };
    }
  }

  it(
    "the same policy, or the same sentence, as the yaml library's reading (mutations of the sample policy)",
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(yamlMutation, mutationsOf(CORPUS[0] as string)), async (text) => {
          expect(await outcome(() => readPolicy(text, "policy.yml")), text).toStrictEqual(await outcome(() => parsePolicy(text, "policy.yml")));
        }),
        fuzzParameters(),
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it("an invalid policy is explained with its line, as before", async () => {
    await expect(readPolicy("gates:\n  coverage:\n    thresholds:\n      global: { lines: high }\n")).rejects.toThrow(
      /^release-gates\.yml, line 4: gates\.coverage\.thresholds\.global\.lines: expected number/,
    );
  });
});
