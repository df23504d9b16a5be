import { defineGate } from "../kit/descriptor.js";
import { baseArtifactOptions } from "../kit/options.js";
import type { CoverageDetails } from "./evaluate.js";
import type { CoverageMap } from "./model.js";
import { METRICS } from "./model.js";
import { CoverageSettings } from "./settings.js";
import { parseThresholdList } from "./thresholds.js";

/** What a coverage run keeps besides its report: the merged coverage, for the Cobertura document. */
export interface CoverageExtra {
  coverage: CoverageMap;
}

const METRIC_NOUN = { lines: "Line", branches: "Branch", functions: "Function", statements: "Statement" } as const;

const totals = (report: { predicate: { details: unknown } }) => (report.predicate.details as CoverageDetails).totals;

/** The coverage gate: thresholds, patch coverage and the drop against the base branch. */
export const coverageGate = defineGate<typeof CoverageSettings, CoverageExtra>({
  id: "coverage",
  name: "coverage-gate",
  command: "coverage",
  title: "Coverage gate",
  description: "Decides whether test coverage meets the release policy (thresholds, patch coverage, drop against the base branch) and explains why.",
  summary: "coverage gate: thresholds, patch coverage, drop against the base branch",
  help: "Reads coverage reports, decides against the policy and writes the gate report.",
  icon: "shield",
  settings: CoverageSettings,
  options: [
    {
      name: "report",
      kind: "list",
      setting: "reports",
      separator: /\s+/,
      placeholder: "GLOB",
      shownDefault: "the policy's, else common locations",
      description:
        "Coverage report paths or globs, separated by spaces or new lines (lcov, Cobertura, Clover, JaCoCo, istanbul JSON, Go cover profiles); all matches are merged.",
    },
    {
      name: "report-format",
      kind: "enum",
      setting: "format",
      placeholder: "F",
      shownDefault: "detected",
      description: "Skip content detection and read the reports given as this format (a base report is still detected: it may be another format).",
    },
    {
      name: "threshold",
      kind: "thresholds",
      setting: "thresholds.global",
      convert: parseThresholdList,
      placeholder: "LIST",
      shownDefault: "the policy's, else `lines=80`",
      gitlabRegex: "^$|^((lines|branches|functions|statements)=-?[0-9.]+[, ]*)+$",
      description: 'Global thresholds such as "lines=80,branches=70"; a negative number is the most uncovered items allowed. Overrides the keys it names.',
    },
    {
      name: "patch-threshold",
      kind: "number",
      setting: "patch.threshold",
      placeholder: "N",
      shownDefault: "the policy's, else `80`",
      description: "Minimum coverage (%) of the lines the change adds or modifies.",
    },
    {
      name: "base-ref",
      kind: "string",
      placeholder: "REF",
      shownDefault: "the pull request's base; in GitLab merge request pipelines the MR's diff base",
      description: "Measure patch coverage against this ref's merge base (needs the history, e.g. fetch-depth 0).",
    },
    {
      name: "base-report",
      kind: "path",
      setting: "baseReport",
      placeholder: "FILE",
      description: "Coverage report of the base branch, for the drop check.",
    },
    ...baseArtifactOptions("coverage report", "the drop check", "coverage/lcov.info"),
    {
      name: "strip-prefix",
      kind: "list",
      setting: "stripPrefixes",
      separator: /\s+/,
      placeholder: "PATH",
      description: "Path prefixes to remove from report paths, separated by spaces or new lines.",
    },
  ],
  documents: [
    {
      option: "cobertura-out",
      frontEnds: ["cli"],
      description: "Also write the merged coverage as Cobertura XML (GitLab's coverage_report).",
      gitlabPath: "release-gates/coverage.cobertura.xml",
      gitlabReport: { name: "coverage_report", value: { coverage_format: "cobertura", path: "release-gates/coverage.cobertura.xml" } },
    },
  ],
  outputs: [
    ...METRICS.map((metric) => ({
      name: metric,
      description: `${METRIC_NOUN[metric]} coverage in percent (empty when there was nothing to measure)`,
      value: (report: Parameters<typeof totals>[0]) => totals(report)?.[metric].pct,
    })),
    {
      name: "patch-coverage",
      description: "Coverage of the changed lines in percent (empty when the change touches no coverable line)",
      value: (report) => (report.predicate.details as unknown as CoverageDetails).patch?.pct,
    },
  ],
  gitlab: {
    stage: "test",
    stageHint: "after the job that writes the coverage reports",
    variables: { GIT_DEPTH: "0" },
    coverageRegex: "/^Coverage: \\d+(?:\\.\\d+)?%/",
  },
  renderers: async () => (await import("./renderers.js")).coverageRenderers,
});
