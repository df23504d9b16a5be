import { ConfigurationError } from "@release-gates/core";
import {
  createTestResultsParser,
  evaluateTests,
  type JobResult,
  parseGitHubJobsPage,
  parseGitLabJobs,
  readSarifLog,
  type TestExtra,
  type TestInputs,
  type TestReport,
  type TestSettings,
  testGate,
} from "@release-gates/core/tests";
import { gitlabClientFromEnv } from "../gitlab/client.js";
import { ApiError } from "../http/rest.js";
import { fetchBaseReportFromArtifacts } from "../kit/base-artifact.js";
import { type FrontEndRequest, type GateRequest, type GateRunner, type ReportInput, type RunPlatform, runGate } from "../kit/run-gate.js";
import { displayPath, expandGlobs, readHead, readTextFile, streamTextFile } from "../local/files.js";

export interface TestRunRequest extends GateRequest<TestSettings> {
  /** The base branch's results fetched from its artifacts, read with the policy's `regression.base`. */
  baseReportFile?: { path: string; display: string };
  /** Reads the CI jobs of this commit's run or pipeline, when the policy names build legs. */
  jobs?: () => Promise<TestInputs["jobs"]>;
  log?: (message: string) => void;
}

/** The root element says what a file is: JUnit (`testsuites`, `testsuite`) or TRX (`TestRun`). */
const TEST_RESULTS_ROOT = /<(?:testsuites|testsuite|TestRun)[\s>/]/;

/**
 * Every test-results file the globs find, streamed through the reader. A
 * file whose root is not a test report (a coverage XML under test-results/)
 * is left out and said; a test report that is broken is an error naming it.
 */
async function readTestReports(
  cwd: string,
  globs: readonly string[],
  inputs: ReportInput[],
  format: string,
  log?: (message: string) => void,
): Promise<TestReport[]> {
  const reports: TestReport[] = [];
  for (const path of await expandGlobs(globs, cwd)) {
    const shown = displayPath(cwd, path);
    const head = await readHead(path, shown, "a JUnit XML or TRX report", 8192);
    if (!TEST_RESULTS_ROOT.test(head)) {
      log?.(`${shown} is not a test report (no <testsuites>, <testsuite> or <TestRun> at its start): left out.`);
      continue;
    }
    const parser = createTestResultsParser(shown);
    const sha256 = await streamTextFile(path, shown, "a JUnit XML or TRX report", (text) => parser.write(text));
    reports.push(parser.end());
    inputs.push({ path: shown, format, sha256 });
  }
  return reports;
}

/** The SARIF logs the globs find, each validated. */
async function readLintLogs(cwd: string, globs: readonly string[], inputs: ReportInput[], format: string) {
  const logs: TestInputs["lint"] = [];
  for (const path of await expandGlobs(globs, cwd)) {
    const shown = displayPath(cwd, path);
    const { text, sha256 } = await readTextFile(path, shown, "a SARIF 2.1.0 log");
    logs.push({ path: shown, runs: readSarifLog(text, shown) });
    inputs.push({ path: shown, format, sha256 });
  }
  return logs;
}

/**
 * The test gate from files to report: test results per suite (and the base
 * branch's, for regressions), lint logs, and the CI jobs that are the build
 * legs; core decides.
 */
export async function runTestGate(request: TestRunRequest) {
  return runGate(testGate, request, async ({ cwd, settings, git }) => {
    const inputs: ReportInput[] = [];
    const reports = await readTestReports(cwd, settings.reports, inputs, "test-results", request.log);
    const baseGlobs = [...settings.regression.base, ...(request.baseReportFile ? [request.baseReportFile.path] : [])];
    const baseReports = baseGlobs.length ? await readTestReports(cwd, baseGlobs, inputs, "base-test-results", request.log) : undefined;
    const lint = await readLintLogs(cwd, settings.lint.reports, inputs, "sarif");
    const lintBase = settings.lint.base.length ? await readLintLogs(cwd, settings.lint.base, inputs, "base-sarif") : undefined;
    if (settings.lint.newOnly && !lintBase && lint.some((log) => log.runs.some((run) => run.results.some((result) => !result.baselineState))))
      throw new ConfigurationError(
        "expected the base branch's lint logs (lint-base) or SARIF baselineState on every result to tell new errors apart, found neither",
        "lint.newOnly",
      );
    const evaluation = evaluateTests(settings, {
      reports,
      baseReports,
      lint,
      lintBase,
      jobs: settings.build.legs.length && request.jobs ? await request.jobs() : undefined,
      commit: request.subject?.commit ?? (await git.head()),
    });
    return { ...evaluation, inputs, extra: {} satisfies TestExtra };
  });
}

/** What the platform refused, as the reason the jobs are unknown (the check then says it, failing by default). */
async function readOrSay(read: () => Promise<{ source: string; jobs: JobResult[] }>, token: string): Promise<TestInputs["jobs"]> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof ApiError && error.isPermissionProblem) return { unavailable: `${error.message} (${token})` };
    throw error;
  }
}

/** The jobs of this commit's workflow run (GitHub) or pipeline (GitLab): the build legs. */
function platformJobs(request: FrontEndRequest<TestSettings>, platform: RunPlatform, env: NodeJS.ProcessEnv): TestRunRequest["jobs"] {
  const runId = (request.values["run-id"] as string | undefined) ?? (platform.kind === "github" ? env.GITHUB_RUN_ID : env.CI_PIPELINE_ID);
  if (platform.kind === "github") {
    const { client, context } = platform;
    return async () => {
      if (!client || !context.repository || !runId) return { unavailable: "no GitHub token, repository or run id (GITHUB_RUN_ID, or run-id)" };
      const repository = context.repository;
      return readOrSay(async () => {
        const jobs: JobResult[] = [];
        for (let page = 1; ; page += 1) {
          const { data } = await client.request(
            "GET",
            `/repos/${repository}/actions/runs/${encodeURIComponent(runId)}/jobs?filter=latest&per_page=100&page=${page}`,
          );
          const read = parseGitHubJobsPage(data, `jobs of run ${runId}`);
          jobs.push(...read.jobs);
          if (read.jobs.length === 0 || jobs.length >= read.total) break;
        }
        return { source: `workflow run ${runId}`, jobs };
      }, "the job needs actions: read");
    };
  }
  if (platform.kind === "gitlab") {
    const { context } = platform;
    return async () => {
      const client = context.apiUrl ? gitlabClientFromEnv(context.apiUrl, env, context.jobToken) : undefined;
      if (!client || !context.projectId || !runId) return { unavailable: "no GitLab API, project, pipeline or token in the environment" };
      return readOrSay(
        async () => ({
          source: `pipeline ${runId}`,
          jobs: parseGitLabJobs(
            await client.paginate(`/projects/${encodeURIComponent(context.projectId as string)}/pipelines/${encodeURIComponent(runId)}/jobs`),
            `jobs of pipeline ${runId}`,
          ),
        }),
        "listing a pipeline's jobs needs read_api: set RELEASE_GATES_GITLAB_TOKEN",
      );
    };
  }
  return async () => ({ unavailable: "this run is not on GitHub or GitLab, so its jobs cannot be listed" });
}

export const testRunner: GateRunner<typeof testGate.settings, TestExtra> = {
  descriptor: testGate,
  run: async (request, platform) => {
    const base = await fetchBaseReportFromArtifacts(request, platform, "Base test results");
    return runTestGate({ ...request, ...(base ? { baseReportFile: base } : {}), jobs: platformJobs(request, platform, process.env), log: platform.log });
  },
};
