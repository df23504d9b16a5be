import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createTestRepo, type TestRepo } from "@release-gates/test-helpers/git-repo";
import { type RecordedRequest, startFakeApi } from "@release-gates/test-helpers/http-server";
import { expectValidReport } from "@release-gates/test-helpers/report-contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { cleanEnv, node24, releaseTree, repoRoot, requireReleaseTree, requireTestTools, runBundledAction, runProcess } from "./support.js";

/**
 * The coverage-gate bundle from the release tree, run the way the runner runs
 * a `node24` action: `node dist/index.js` with INPUT_* variables and the
 * GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_EVENT_PATH files. The project
 * is the sample service in a real git repository with a pull request branch,
 * and its coverage is measured for real with Node's test runner.
 */
const action = () => parse(readFileSync(join(releaseTree, "coverage-gate/action.yml"), "utf8"));

let repo: TestRepo;
let base: string;
let head: string;
let docsOnlyHead: string;
let api: Awaited<ReturnType<typeof startFakeApi>>;
const comments: { id: number; body: string }[] = [];

async function measureCoverage(): Promise<void> {
  const result = await runProcess(
    process.execPath,
    ["--test", "--experimental-test-coverage", "--test-reporter=lcov", "--test-reporter-destination=coverage/lcov.info", "test/"],
    { cwd: repo.dir, env: cleanEnv() },
  );
  expect(result.code, result.stderr).toBe(0);
}

beforeAll(async () => {
  requireReleaseTree();
  requireTestTools();
  repo = createTestRepo({}, join(repoRoot, "examples/sample-service"));
  base = repo.commit("sample service");
  repo.git("checkout", "-q", "-b", "feature");
  // A new, untested function: the patch is not covered.
  const cart = readFileSync(join(repo.dir, "src/cart.js"), "utf8").replace(
    "  total(discount) {",
    "  mostExpensive() {\n    let best;\n    for (const item of this.items) {\n      if (!best || item.price > best.price) best = item;\n    }\n    return best;\n  }\n\n  total(discount) {",
  );
  writeFileSync(join(repo.dir, "src/cart.js"), cart);
  await measureCoverage();
  head = repo.commit("add mostExpensive");
  repo.git("checkout", "-q", "-b", "docs", base);
  writeFileSync(join(repo.dir, "README.md"), "# sample service\n");
  docsOnlyHead = repo.commit("docs only");

  api = await startFakeApi(({ method, path, body }) => {
    if (method === "GET" && path.startsWith("/repos/acme/service/issues/")) return { status: 200, body: comments };
    if (method === "POST" && /^\/repos\/acme\/service\/issues\/\d+\/comments$/.test(path)) {
      comments.push({ id: 500 + comments.length, body: (body as { body: string }).body });
      return { status: 201, body: comments.at(-1) };
    }
    const patch = /^\/repos\/acme\/service\/issues\/comments\/(\d+)$/.exec(path);
    const comment = comments.find((candidate) => String(candidate.id) === patch?.[1]);
    if (method === "PATCH" && comment) {
      comment.body = (body as { body: string }).body;
      return { status: 200, body: comment };
    }
    return undefined;
  });
}, 120_000);

afterAll(async () => {
  await api?.close();
  repo?.remove();
});

function runAction(node: string, pr: { number: number; head: string }, inputs: Record<string, string>) {
  repo.git("checkout", "-q", pr.head);
  return runBundledAction("coverage-gate", {
    node,
    workspace: repo.dir,
    eventName: "pull_request",
    apiUrl: api.url,
    inputs,
    event: {
      action: "synchronize",
      number: pr.number,
      pull_request: {
        number: pr.number,
        base: { sha: base, ref: "main", repo: { full_name: "acme/service" } },
        head: { sha: pr.head, ref: "feature", repo: { full_name: "acme/service" } },
      },
    },
  });
}

describe("coverage-gate action bundle from the release tree", () => {
  it("declares node24 and points at its bundle", () => {
    expect(action().runs).toEqual({ using: "node24", main: "../lib/coverage-gate.mjs" });
  });

  for (const [label, node] of [
    ["Node 20 (this machine)", process.execPath],
    ["Node 24 (what the runner uses)", node24],
  ] as const) {
    it(`a pull request that adds untested code fails, with annotations, outputs, summary and one comment (${label})`, async () => {
      comments.length = 0;
      const first = await runAction(node, { number: 12, head }, { "patch-threshold": "80" });
      expect(first.code, first.stderr).toBe(1);
      expect(first.outputs).toMatchObject({ status: "fail", "report-path": join(repo.dir, "release-gates/coverage-report.json") });
      expect(Number(first.outputs["patch-coverage"])).toBeLessThan(80);
      expect(Number(first.outputs.lines)).toBeGreaterThan(80);
      // The untested loop body is one annotation with a line range.
      expect(first.stdout).toMatch(
        /^::warning title=Coverage gate,file=src\/cart\.js,line=\d+,endLine=\d+::Lines \d+–\d+ were changed but no test runs them\.$/m,
      );
      expect(first.stdout).toMatch(/^::error::coverage-gate failed \d of \d+ checks: [\w., ]*patch[\w., ]*\.%0A(- [^%]+%0A)*- Patch coverage against main: /m);
      expect(first.stdout).toContain("Changed lines of pull request #12 read from the local clone.");
      expect(first.summary).toMatch(/^## ❌ coverage-gate: fail/);
      expect(first.summary).toContain("### Patch coverage");
      expect(comments).toHaveLength(1);
      expect(comments[0]?.body).toMatch(/^<!-- release-gates:coverage-gate -->\n## ❌ coverage-gate: fail/);
      const report = expectValidReport(JSON.parse(readFileSync(first.outputs["report-path"] as string, "utf8")));
      expect(report.subject[0]).toEqual({ name: "acme/service", digest: { gitCommit: head } });

      // The next push edits the same comment instead of adding one.
      const second = await runAction(node, { number: 12, head }, { "patch-threshold": "80" });
      expect(second.code).toBe(1);
      expect(comments).toHaveLength(1);
      expect(api.requests.filter((request: RecordedRequest) => request.method === "PATCH")).not.toHaveLength(0);
    });
  }

  it("a docs-only pull request passes: patch coverage is no-data, not a failure", async () => {
    const result = await runAction(process.execPath, { number: 13, head: docsOnlyHead }, { comment: "false" });
    expect(result.code, result.stdout).toBe(0);
    expect(result.outputs).toMatchObject({ status: "pass", "patch-coverage": "" });
    expect(result.summary).toContain("The change touches no coverable line.");
  });

  it("a bad input fails the step with one sentence and no stack trace", async () => {
    const result = await runAction(process.execPath, { number: 14, head: docsOnlyHead }, { threshold: "lines=lots", comment: "false" });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '::error::input threshold: expected lines to be a percentage up to 100 (or a negative count of uncovered items), found "lots"',
    );
    expect(result.stdout).not.toMatch(/\n\s+at /);
  });
});
