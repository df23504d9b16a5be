import { readdirSync, readFileSync } from "node:fs";
import { fixture, fixturePath } from "@release-gates/test-helpers/fixtures";
import {
  anyBytesAsText,
  anyText,
  FUZZ_TIMEOUT_MS,
  fuzzParameters,
  mutationsOf,
  onlyOwnErrors,
  onlyOwnErrorsAsync,
  printFuzzStats,
} from "@release-gates/test-helpers/fuzz";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { fileCounts, METRICS } from "../../src/coverage/model.js";
import { parseCoverageReport } from "../../src/coverage/parsers/index.js";
import { COVERAGE_FORMATS } from "../../src/coverage/parsers/types.js";
import { ConfigurationError } from "../../src/errors.js";
import type { Aggregation } from "../../src/perf/expression.js";
import { parseResourceSamples } from "../../src/perf/resources.js";
import { createK6ResultsParser, type K6Results } from "../../src/perf/results.js";
import { parseK6Summary } from "../../src/perf/summary.js";
import { readPolicy } from "../../src/policy/load.js";
import { parseRecordedAnalysis } from "../../src/promote/analysis.js";
import { parseLedger } from "../../src/promote/ledger.js";
import { readSarifLog } from "../../src/sarif.js";
import { readAuditManifest } from "../../src/security/audits.js";
import { parseChecklist } from "../../src/security/checklist.js";
import { parseNpmAudit, parseNpmLockfile } from "../../src/security/npm.js";
import { parseOsvAdvisory } from "../../src/security/osv.js";
import { readRiskRegister } from "../../src/security/risks.js";
import { parseSbom } from "../../src/security/sbom.js";
import { parseGitleaksReport, parseSecretsBaseline, readSecretsAllowlist, scanForSecrets } from "../../src/security/secrets.js";
import { parseSarifResults } from "../../src/security/static-analysis.js";
import { isOwner, ownersOf, parseCodeowners } from "../../src/signoff/codeowners.js";
import { parseChecklist as parseDescriptionChecklist, parseSignoffFile } from "../../src/signoff/records.js";
import { parseGitHubReviews, parseGitLabApprovalState, parseGitLabApprovals } from "../../src/signoff/responses.js";
import { parseGitHubJobsPage, parseGitLabJobs } from "../../src/tests/jobs.js";
import { parseTestResults } from "../../src/tests/results.js";
import { parseJsonText } from "../../src/validation.js";

const example = (path: string) => readFileSync(new URL(`../../../../examples/sample-service/${path}`, import.meta.url), "utf8");
const folder = (path: string) =>
  readdirSync(fixturePath(path), { withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith(".md"))
    .map((entry) => fixture(`${path}/${entry.name}`));

const isOwnError = (error: unknown) => error instanceof ConfigurationError;

/** A CODEOWNERS rule only ever names owners the platform understands, and asking who owns a path always answers. */
function checkCodeowners(value: unknown): void {
  const codeowners = value as ReturnType<typeof parseCodeowners>;
  for (const section of codeowners.sections) for (const rule of section.rules) for (const owner of rule.owners) expect(isOwner(owner), owner).toBe(true);
  for (const path of ["README.md", "src/a/b.ts", "contracts/Token.sol", ".github/CODEOWNERS"]) ownersOf(codeowners, path);
}
afterAll(printFuzzStats);

interface Loader {
  name: string;
  /** The value, or a promise of it (the YAML readers load the `yaml` library only when they need it). */
  load(text: string): unknown;
  /** Real inputs whose mutations are tried. */
  corpus: string[];
  /** What a value it returns must satisfy, whatever the input. */
  check?(value: unknown): void;
}

/** A parsed coverage report never claims more covered than there is, nor counts that are not counts. */
function checkCoverage(value: unknown): void {
  for (const file of (value as ReturnType<typeof parseCoverageReport>).files) {
    for (const metric of METRICS) {
      const { covered, total } = file.summary?.[metric] ?? fileCounts(file, metric);
      expect(Number.isSafeInteger(covered) && Number.isSafeInteger(total), `${metric} of ${file.path}: ${covered}/${total}`).toBe(true);
      expect(covered).toBeGreaterThanOrEqual(0);
      expect(covered).toBeLessThanOrEqual(total);
    }
  }
}

/** Every number a k6 reader returns is finite: NaN compares false with every threshold and would pass it. */
function checkFinite(value: unknown, path = "value"): void {
  if (typeof value === "number") expect(Number.isFinite(value), `${path} is ${value}`).toBe(true);
  else if (value instanceof Map) for (const [key, item] of value) checkFinite(item, `${path}.${String(key)}`);
  else if (ArrayBuffer.isView(value)) for (const item of Array.from(value as unknown as ArrayLike<number>)) checkFinite(item, path);
  else if (value && typeof value === "object") for (const [key, item] of Object.entries(value)) checkFinite(item, `${path}.${key}`);
}

const AGGREGATIONS: Aggregation[] = ["avg", "min", "max", "med", "p", "rate", "count", "value"];

/** What the gate reads of the samples, every aggregation k6 has: a number or nothing, never NaN (every comparison with NaN is false). */
function checkResults(value: unknown): void {
  const results = value as K6Results;
  for (const [name, samples] of results.metrics) {
    for (const aggregation of AGGREGATIONS) {
      const measured = samples.aggregate(aggregation, 95, 60_000);
      expect(measured === undefined || !Number.isNaN(measured), `${aggregation} of ${name} is NaN`).toBe(true);
    }
  }
}

function readResults(text: string): unknown {
  const parser = createK6ResultsParser();
  parser.write(text);
  return parser.end();
}

const LOADERS: Loader[] = [
  { name: "release-gates.yml", load: (text) => readPolicy(text), corpus: [example("release-gates.yml")] },
  {
    name: "the risk register",
    load: (text) => readRiskRegister(text, "security/accepted-risks.yml"),
    corpus: [
      'risks:\n  - advisory: CVE-2022-23539\n    package: jsonwebtoken\n    versions: "<9.0.0"\n    reason: We only verify tokens our own issuer signed.\n    owner: alice@example.com\n    expires: 2027-01-31\n',
    ],
  },
  {
    name: "the secrets allowlist",
    load: (text) => readSecretsAllowlist(text, "security/secrets-allowlist.yml"),
    corpus: ['paths: ["docs/**", "test/fixtures/**"]\nregexes: ["IOSFODNN7EXAMPLE"]\nfingerprints: ["c5f92825e8cfdb99a869a897545de256"]\n'],
  },
  {
    name: "the audit manifest",
    load: (text) => readAuditManifest(text, "audits/audits.yml"),
    corpus: [fixture("security/audits/openzeppelin-contracts.audits.yml")],
  },
  {
    name: "an SBOM",
    load: (text) => parseSbom(text),
    corpus: [
      ...folder("security/generated/audit-demo").filter((text) => text.includes("bomFormat") || text.includes("spdxVersion")),
      fixture("security/sbom/dev-dependencies.bare.cdx-1.6.json"),
      fixture("security/sbom/cra-sbom-demo.trivy-0.71.2.empty.spdx.json"),
    ],
  },
  {
    name: "an npm lock file",
    load: (text) => parseNpmLockfile(text, "package-lock.json"),
    corpus: [fixture("security/generated/audit-demo/package-lock.json")],
  },
  { name: "an OSV advisory", load: (text) => parseOsvAdvisory(text, "GHSA.json"), corpus: folder("security/advisories") },
  { name: "npm audit output", load: (text) => parseNpmAudit(text, "audit.json"), corpus: [fixture("security/audit/npm-dev-vulns-2.npm-audit.v2.json")] },
  {
    name: "a gitleaks report",
    load: (text) => parseGitleaksReport(text, "gitleaks.json"),
    corpus: [fixture("security/audit/gitleaks.report.json_simple.json")],
  },
  { name: "a secrets baseline", load: (text) => parseSecretsBaseline(text, "baseline.json"), corpus: [example("release-gates/reports/coverage-b7e2d94.json")] },
  { name: "a SARIF log", load: (text) => parseSarifResults(text, "slither.sarif"), corpus: folder("security/sarif") },
  { name: "a Markdown checklist", load: (text) => parseChecklist(text), corpus: [fixture("security/audits/openzeppelin-contracts.audits-README.md")] },
  { name: "a k6 summary", load: (text) => parseK6Summary(text), corpus: folder("perf/k6-summary"), check: checkFinite },
  { name: "k6 NDJSON results", load: readResults, corpus: folder("perf/k6-ndjson"), check: checkResults },
  {
    name: "resource samples",
    load: (text) => parseResourceSamples(text),
    corpus: ["time,cpu_percent,memory_bytes\n2026-11-26T09:00:00Z,42.5,104857600\n2026-11-26T09:00:10Z,55,120000000\n"],
    check: checkFinite,
  },
  {
    name: "recorded canary measurements",
    load: (text) => parseRecordedAnalysis(text, "analysis.json"),
    corpus: [example("release-gates/canary-analysis.json")],
  },
  { name: "the promote ledger", load: (text) => parseLedger(text), corpus: [example("release-gates/ledger.ndjson")] },
  {
    name: "a GitHub CODEOWNERS file",
    load: (text) => parseCodeowners(text, ".github/CODEOWNERS", "github"),
    corpus: folder("signoff").filter((text) => !text.trimStart().startsWith("{") && !text.includes("- [ ]")),
    check: checkCodeowners,
  },
  {
    name: "a GitLab CODEOWNERS file",
    load: (text) => parseCodeowners(text, ".gitlab/CODEOWNERS", "gitlab"),
    corpus: folder("signoff").filter((text) => !text.trimStart().startsWith("{") && !text.includes("- [ ]")),
    check: checkCodeowners,
  },
  {
    name: "the sign-off file",
    load: (text) => parseSignoffFile(text, "release/signoffs.yml"),
    corpus: [
      "signoffs:\n  - role: qa\n    item: user-flows\n    person: carol@acme.example\n    date: 2026-11-20\n    commit: b7e2d94c\n  - role: legal\n    item: geo\n    person: dan\n    date: 2026-11-21\n    version: 1.4.0\n    notApplicable: No new markets.\n",
    ],
    check: (value) => {
      for (const record of value as ReturnType<typeof parseSignoffFile>) expect(record.line).toBeLessThanOrEqual(record.endLine);
    },
  },
  {
    name: "a pull request description's checklist",
    load: (text) => parseDescriptionChecklist(text),
    corpus: [
      fixture("signoff/pr-template-docs-checklist.grafana-k6.pull_request_template.md"),
      fixture("signoff/pr-template-legal-licence-checkbox.maven-surefire.pull_request_template.md"),
      fixture("signoff/pr-template-security-checklist.awslabs-sdps.pull_request_template.md"),
    ],
  },
  {
    name: "GitHub's pull request reviews",
    load: (text) => parseGitHubReviews(parseJsonText(text, "reviews (JSON)"), "reviews"),
    corpus: [fixture("signoff/api-github-pulls-list-reviews.openapi-example.pull-request-review-items.json")],
  },
  {
    name: "GitLab's merge request approvals",
    load: (text) => parseGitLabApprovals(parseJsonText(text, "approvals (JSON)"), "approvals"),
    corpus: [fixture("signoff/api-gitlab-mr-approvals.docs-example.json")],
  },
  {
    name: "GitLab's approval state",
    load: (text) => parseGitLabApprovalState(parseJsonText(text, "approval state (JSON)"), "approval state"),
    corpus: [fixture("signoff/api-gitlab-mr-approval-state.docs-example.json")],
  },
  {
    name: "test results (JUnit XML, TRX)",
    load: (text) => parseTestResults(text, "junit.xml"),
    corpus: folder("tests").filter((text) => text.trimStart().startsWith("<") || text.startsWith("\uFEFF")),
    check: (value) => {
      for (const result of (value as ReturnType<typeof parseTestResults>).cases) {
        expect(result.attempts).toBeGreaterThanOrEqual(1);
        // A flaky test is one that passed in the end.
        if (result.flaky) expect(result.outcome).toBe("passed");
      }
    },
  },
  {
    name: "a lint SARIF log",
    load: (text) => readSarifLog(text, "lint.sarif"),
    corpus: folder("tests").filter((text) => text.includes('"version": "2.1.0"') || text.includes('"version":"2.1.0"')),
  },
  {
    name: "GitHub's workflow run jobs",
    load: (text) => parseGitHubJobsPage(parseJsonText(text, "jobs (JSON)"), "jobs"),
    corpus: [fixture("tests/api-github-actions-list-jobs-for-workflow-run.openapi-example.job-paginated.json")],
  },
  {
    name: "GitLab's pipeline jobs",
    load: (text) => parseGitLabJobs(parseJsonText(text, "jobs (JSON)"), "jobs"),
    corpus: [fixture("tests/api-gitlab-list-pipeline-jobs.docs-example.json")],
  },
  {
    name: "a coverage report (any format)",
    load: (text) => parseCoverageReport(text),
    corpus: folder("coverage").filter((text) => text.length < 100_000),
    check: checkCoverage,
  },
];

describe("every loader, fuzzed: only our own errors, and what it returns holds", { timeout: FUZZ_TIMEOUT_MS }, () => {
  describe.each(LOADERS)("$name", ({ name, load, corpus, check }) => {
    it("arbitrary bytes", async () => {
      await fc.assert(
        fc.asyncProperty(anyBytesAsText, async (text) => {
          const outcome = await onlyOwnErrorsAsync(`${name}: bytes`, isOwnError, async () => load(text), text.length);
          if ("value" in outcome) check?.(outcome.value);
        }),
        fuzzParameters(),
      );
    });

    it("mutations of real inputs", async () => {
      await fc.assert(
        fc.asyncProperty(mutationsOf(...corpus), async (text) => {
          const outcome = await onlyOwnErrorsAsync(`${name}: mutations`, isOwnError, async () => load(text), text.length);
          if ("value" in outcome) check?.(outcome.value);
        }),
        fuzzParameters(),
      );
    });
  });

  it.each(COVERAGE_FORMATS)("a coverage report read as %s, whatever it holds", (format) => {
    fc.assert(
      fc.property(fc.oneof(anyBytesAsText, mutationsOf(...folder("coverage").filter((text) => text.length < 100_000))), (text) => {
        const outcome = onlyOwnErrors(`coverage as ${format}`, isOwnError, () => parseCoverageReport(text, format), text.length);
        if ("value" in outcome) checkCoverage(outcome.value);
      }),
      fuzzParameters(),
    );
  });

  it("the secret scanner, on arbitrary text and mutations of real files, finds only redacted values", () => {
    fc.assert(
      fc.property(fc.oneof(anyBytesAsText, mutationsOf(fixture("security/config/gitleaks.default.toml").slice(0, 20_000))), (text) => {
        const outcome = onlyOwnErrors(
          "secret scanner",
          () => false,
          () => scanForSecrets("file.txt", text),
          text.length,
        );
        if ("value" in outcome) for (const finding of outcome.value) expect(finding.redacted).toMatch(/^(.{4}…)?\[\d+ chars\]$/);
      }),
      fuzzParameters(),
    );
  });

  it("lcov: the fast paths for DA, BRDA, FN and FNDA read what the general path reads", () => {
    const name = fc.stringMatching(/^[\w$.,@ -]{1,12}$/);
    const number = fc.nat({ max: 2_000 });
    const record = fc.oneof(
      fc.tuple(number, name).map(([line, fn]) => `FN:${line + 1},${fn}`),
      fc.tuple(number, number, name).map(([line, last, fn]) => `FN:${line + 1},${last},${fn}`),
      fc.tuple(number, name).map(([hits, fn]) => `FNDA:${hits},${fn}`),
      fc.tuple(number, number).map(([line, hits]) => `DA:${line + 1},${hits}`),
      fc
        .tuple(number, number, number, fc.oneof(number.map(String), fc.constant("-")))
        .map(([line, block, arm, taken]) => `BRDA:${line + 1},${block},${arm},${taken}`),
    );
    fc.assert(
      fc.property(fc.array(record, { maxLength: 30 }), (records) => {
        const text = (lines: string[]) => `SF:src/a.ts\n${lines.join("\n")}\nend_of_record\n`;
        // A leading space keeps a record off its fast path: the general path trims it.
        const general = (lines: string[]) => lines.map((line) => ` ${line}`);
        const read = (source: string) => {
          const file = parseCoverageReport(source, "lcov").files[0] as ReturnType<typeof parseCoverageReport>["files"][number];
          return { lines: [...file.lines.entries()], functions: [...file.functions.entries()], branches: fileCounts(file, "branches") };
        };
        const fast = onlyOwnErrors("lcov fast", isOwnError, () => read(text(records)), 0);
        const slow = onlyOwnErrors("lcov general", isOwnError, () => read(text(general(records))), 0);
        expect("value" in fast).toBe("value" in slow);
        if ("value" in fast && "value" in slow) expect(fast.value).toEqual(slow.value);
      }),
      fuzzParameters(),
    );
  });

  it("the secret scanner finds in a file what it finds in each of its lines: looking only at lines with a keyword loses nothing", () => {
    const secrets = fc.constantFrom(
      "AKIAIOSFODNN7EXAMPLE",
      "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
      'api_key = "Zm9vYmFyYmF6cXV4MTIzNDU2"',
      "xoxb-12345678-abcdefghij",
      "İ",
      "\r",
    );
    const oneLine = anyText.map((text) => text.replaceAll("\n", " "));
    const lines = fc.array(
      fc.oneof(
        oneLine,
        secrets,
        fc.tuple(oneLine, secrets, oneLine).map((parts) => parts.join("")),
      ),
      { maxLength: 20 },
    );
    fc.assert(
      fc.property(lines, (content) => {
        const text = content.join("\n");
        const perLine = content.flatMap((line, index) => scanForSecrets("file.txt", line).map((finding) => ({ ...finding, line: index + 1 })));
        expect(scanForSecrets("file.txt", text)).toEqual(perLine);
      }),
      fuzzParameters(),
    );
  });
});

describe("chunked reading is the same as reading at once", { timeout: FUZZ_TIMEOUT_MS }, () => {
  /** Splits a text at the given fractions of its length. */
  const chunked = (text: string, cuts: number[]) => {
    const points = [...new Set(cuts.map((cut) => Math.floor(cut * text.length)))].sort((a, b) => a - b);
    return [...points, text.length].map((end, index) => text.slice(index === 0 ? 0 : points[index - 1], end));
  };
  const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 });
  const outcome = (read: () => unknown) => {
    try {
      return { value: read() };
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      return { error: error.message };
    }
  };

  it("k6 NDJSON results", () => {
    fc.assert(
      fc.property(mutationsOf(...folder("perf/k6-ndjson")), cuts, (text, at) => {
        const streamed = outcome(() => {
          const parser = createK6ResultsParser();
          for (const chunk of chunked(text, at)) parser.write(chunk);
          return parser.end();
        });
        expect(streamed).toEqual(outcome(() => readResults(text)));
      }),
      fuzzParameters(),
    );
  });
});
