import { describe, expect, it } from "vitest";
import { parseUnifiedDiff } from "../src/diff.js";

const sorted = (set: Set<number> | undefined) => [...(set ?? [])].sort((a, b) => a - b);

describe("changed lines from unified diffs", () => {
  it("reads git diff --unified=0 output for several files", () => {
    const diff = [
      "diff --git a/src/a.ts b/src/a.ts",
      "index 1111111..2222222 100644",
      "--- a/src/a.ts",
      "+++ b/src/a.ts",
      "@@ -3 +3,2 @@ export function a() {",
      "-  return 1;",
      "+  const x = 1;",
      "+  return x;",
      "@@ -10,0 +12 @@",
      "+// new",
      "diff --git a/docs/readme.md b/docs/readme.md",
      "deleted file mode 100644",
      "--- a/docs/readme.md",
      "+++ /dev/null",
      "@@ -1,2 +0,0 @@",
      "-# old",
      "-text",
      "diff --git a/src/new.ts b/src/new.ts",
      "new file mode 100644",
      "--- /dev/null",
      "+++ b/src/new.ts",
      "@@ -0,0 +1,3 @@",
      "+a",
      "++b starts with a plus",
      "+c",
      "\\ No newline at end of file",
    ].join("\n");
    const changed = parseUnifiedDiff(diff);
    expect([...changed.keys()]).toEqual(["src/a.ts", "src/new.ts"]);
    expect(sorted(changed.get("src/a.ts"))).toEqual([3, 4, 12]);
    expect(sorted(changed.get("src/new.ts"))).toEqual([1, 2, 3]);
  });

  it("reads a GitHub API patch with context lines for one file", () => {
    const patch = "@@ -1,4 +1,5 @@\n line one\n-line two\n+line 2\n+line 2b\n line three\n line four";
    expect(sorted(parseUnifiedDiff(patch, "src/x.ts").get("src/x.ts"))).toEqual([2, 3]);
  });

  it("a pure deletion adds no lines and leaves no empty entry", () => {
    expect(parseUnifiedDiff("--- a/x\n+++ b/x\n@@ -2,2 +1,0 @@\n-a\n-b").size).toBe(0);
  });

  it("git's quoted paths with escapes are unquoted", () => {
    const diff = '--- "a/caf\\303\\251 \\"menu\\".ts"\n+++ "b/caf\\303\\251 \\"menu\\".ts"\n@@ -0,0 +1 @@\n+x';
    expect([...parseUnifiedDiff(diff).keys()]).toEqual(['café "menu".ts']);
  });

  it("garbage inside a hunk is named with its line", () => {
    expect(() => parseUnifiedDiff("+++ b/x\n@@ -1 +1,2 @@\n+a\n*oops")).toThrow(/diff, line 4: expected a unified diff line/);
  });
});
