import { fixture } from "@release-gates/test-helpers/fixtures";
import { describe, expect, it } from "vitest";
import { parseChecklist, parseSignoffFile, whoTicked } from "../../src/signoff/records.js";
import { parseGitLabChecklistNotes } from "../../src/signoff/responses.js";

const template = (name: string) => fixture(`signoff/${name}`);

describe("pull request checklists", () => {
  it("grafana/k6: 8 checkboxes; the one inside an HTML comment is not an item", () => {
    const items = parseChecklist(template("pr-template-docs-checklist.grafana-k6.pull_request_template.md"));
    expect(items).toHaveLength(8);
    expect(items.every((item) => !item.ticked)).toBe(true);
    expect(items.some((item) => item.text.includes("Any other relevant item"))).toBe(false);
  });

  it("apache/maven-surefire: 6 checkboxes written with a leading space", () => {
    const items = parseChecklist(template("pr-template-legal-licence-checkbox.maven-surefire.pull_request_template.md"));
    expect(items).toHaveLength(6);
    expect(items.some((item) => item.text.includes("licenced under the [Apache License Version 2.0"))).toBe(true);
  });

  it("awslabs: 5 checkboxes, the last with no newline after it", () => {
    const text = template("pr-template-security-checklist.awslabs-sdps.pull_request_template.md");
    expect(text.endsWith("\n")).toBe(false);
    expect(parseChecklist(text)).toHaveLength(5);
  });

  it("ticked items, stable ids from markers, and no items from fenced code or a comment spanning lines", () => {
    const items = parseChecklist(
      [
        "- [x] Terms of service updated <!-- id: terms -->",
        "* [X] Privacy policy reviewed",
        "1. [ ] Geo restrictions checked <!-- id: geo -->",
        "```md",
        "- [x] an example in a code block",
        "```",
        "<!--",
        "- [x] a hidden item",
        "-->",
      ].join("\r\n"),
    );
    expect(items.map((item) => [item.id, item.ticked, item.line])).toEqual([
      ["terms", true, 1],
      [undefined, true, 2],
      ["geo", false, 3],
    ]);
  });
});

describe("the sign-off file", () => {
  it("reads each entry with the lines it spans", () => {
    const records = parseSignoffFile(
      [
        "signoffs:",
        "  - role: qa",
        "    person: carol@acme.example",
        "    date: 2026-11-20",
        "    commit: b7e2d94c",
        "  # legal, for the release",
        "  - role: legal",
        "    item: geo",
        "    person: dan",
        "    date: 2026-11-21",
        "    version: 1.4.0",
        "    notApplicable: No new markets in this release.",
        "",
      ].join("\n"),
      "release/signoffs.yml",
    );
    expect(records.map((record) => [record.role, record.line, record.endLine])).toEqual([
      ["qa", 2, 6],
      ["legal", 7, 13],
    ]);
    expect(records[1]?.notApplicable).toBe("No new markets in this release.");
  });

  it("an entry naming neither a commit nor a version, an impossible date or an unknown key is one sentence at its line", () => {
    const file = (entry: string) => `signoffs:\n  - role: qa\n    person: carol@acme.example\n${entry}`;
    expect(() => parseSignoffFile(file("    date: 2026-11-20\n"), "release/signoffs.yml")).toThrow(
      "release/signoffs.yml, line 2: expected signoffs[0] (qa by carol@acme.example) to name the commit or the version it signs, found neither",
    );
    expect(() => parseSignoffFile(file("    date: 2026-02-30\n    commit: abcdef1\n"), "release/signoffs.yml")).toThrow(/line 4.*date/);
    expect(() => parseSignoffFile(file("    date: 2026-11-20\n    commit: abcdef1\n    approved: yes\n"), "release/signoffs.yml")).toThrow(/approved/);
    expect(() => parseSignoffFile(file("    date: 2026-11-20\n    commit: main\n"), "release/signoffs.yml")).toThrow(/hex/);
  });
});

describe("who ticked each checklist item", () => {
  const v1 = "- [ ] Terms of service updated <!-- id: terms -->\n- [ ] Privacy policy reviewed\n";
  const v2 = "- [x] Terms of service updated <!-- id: terms -->\n- [ ] Privacy policy reviewed\n";
  const v3 = "- [x] Terms of service updated <!-- id: terms -->\n- [x] Privacy policy reviewed\n";

  it("GitHub: the editor of the version where an item became ticked and stayed so; ticked from the start, the author", () => {
    const history = {
      kind: "versions" as const,
      author: "octocat",
      versions: [
        { at: "2026-11-22T10:00:00.000Z", editor: "lee", body: v3 },
        { at: "2026-11-21T10:00:00.000Z", editor: "dan", body: v2 },
        { at: "2026-11-20T10:00:00.000Z", editor: "octocat", body: v1 },
      ],
    };
    expect([...whoTicked(parseChecklist(v3), history)]).toEqual([
      [1, "dan"],
      [2, "lee"],
    ]);
    expect([...whoTicked(parseChecklist(v2), { kind: "versions", author: "octocat", versions: [] })]).toEqual([[1, "octocat"]]);
  });

  it("an untick and a re-tick credit the re-ticker; a deleted revision in the way leaves it unknown", () => {
    const retick = {
      kind: "versions" as const,
      author: "octocat",
      versions: [
        { at: "2026-11-20T10:00:00.000Z", editor: "octocat", body: v1 },
        { at: "2026-11-21T10:00:00.000Z", editor: "dan", body: v2 },
        { at: "2026-11-22T10:00:00.000Z", editor: "mallory", body: v1 },
        { at: "2026-11-23T10:00:00.000Z", editor: "sue", body: v2 },
      ],
    };
    expect(whoTicked(parseChecklist(v2), retick).get(1)).toBe("sue");
    const hole = { ...retick, versions: [...retick.versions.slice(0, 3), { at: "2026-11-23T10:00:00.000Z", editor: "sue", body: undefined }] };
    expect(whoTicked(parseChecklist(v2), hole).get(1)).toBeUndefined();
  });

  it("GitLab: the last 'marked the checklist item … as completed' note, its author", () => {
    const notes = parseGitLabChecklistNotes(
      [
        {
          body: "marked the checklist item **Terms of service updated** as completed",
          system: true,
          created_at: "2026-11-21T10:00:00Z",
          author: { username: "dan" },
        },
        {
          body: "marked the checklist item **Terms of service updated** as completed",
          system: false,
          created_at: "2026-11-22T10:00:00Z",
          author: { username: "mallory" },
        },
        {
          body: "marked the task item **Privacy policy reviewed** as incomplete",
          system: true,
          created_at: "2026-11-22T10:00:00Z",
          author: { username: "lee" },
        },
      ],
      "notes",
    );
    const current = parseChecklist("- [x] Terms of service updated\n- [x] Privacy policy reviewed\n- [x] Geo checked\n");
    expect([...whoTicked(current, { kind: "events", author: "root", events: notes })]).toEqual([
      [1, "dan"],
      // Its last note unticks it: whoever ticked it again left no note.
      [2, undefined],
      [3, "root"],
    ]);
  });
});
