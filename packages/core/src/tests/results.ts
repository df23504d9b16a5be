import { ConfigurationError } from "../errors.js";
import { detachString } from "../text/lines.js";
import { XmlStream } from "../xml.js";

/** How one test ended, read from its test case (never from a report's header totals). */
export type TestOutcome = "passed" | "failed" | "error" | "skipped" | "todo" | "xfail";

/** One test, its attempts folded into one result. */
export interface TestCaseResult {
  /** The report it came from (project-relative). */
  report: string;
  /** The innermost `<testsuite name>`. */
  suite: string;
  /** The suite's `hostname`: Playwright writes its project (chromium, firefox…) there. */
  host: string;
  classname: string;
  name: string;
  file?: string;
  line?: number;
  outcome: TestOutcome;
  /** Runs the report shows: reruns (Surefire), repeated cases (Gradle's test-retry, TestNG). */
  attempts: number;
  /** Passed, but only after a failed attempt. */
  flaky: boolean;
  /** A failure before any test could run: a build, setup or collection error. */
  setup: boolean;
  /** The failure's message, first lines only. */
  message?: string;
}

export interface TestReport {
  path: string;
  format: "junit" | "trx";
  cases: TestCaseResult[];
}

/** Suite, class and report names repeat for every case: one copy each. */
class Interned {
  private readonly seen = new Map<string, string>();
  get(text: string): string {
    let known = this.seen.get(text);
    if (known === undefined) {
      known = detachString(text);
      this.seen.set(known, known);
    }
    return known;
  }
}

/** A failure's text beyond this is not needed to say what broke. */
const MESSAGE_CHARS = 2_000;

/** One line, bounded: failure texts are stack traces. */
function summarise(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  const first = lines.slice(0, 3).join(" ");
  return first.length > 300 ? `${first.slice(0, 299)}…` : first;
}

/** Where a failure happened, from its text when the case has no file and line: vitest's `❯ file:line:column`, Playwright's `file:line:column title`. */
function locationIn(text: string): { file?: string; line?: number } {
  const found = /❯ ([^\s:]+\.[\w]+):(\d+):\d+/.exec(text) ?? /^([^\s:]+\.[\w]+):(\d+):\d+ /m.exec(text);
  return found ? { file: detachString(found[1] as string), line: Number(found[2]) } : {};
}

/** pytest's and go-junit-report's markers of a failure outside any test. */
const SETUP_NAMES = /^\[(?:build|setup) failed\]$/;

/** The same test run again (Gradle's retries, TestNG's retry analyser): folded into the last attempt that ran, flaky when it passed after failing. */
function fold(earlier: TestCaseResult, later: TestCaseResult): TestCaseResult {
  const ran = (result: TestCaseResult) => result.outcome !== "skipped";
  const final = ran(later) || !ran(earlier) ? later : earlier;
  const failedBefore = [earlier, later].some((result) => result !== final && (result.outcome === "failed" || result.outcome === "error" || result.flaky));
  return {
    ...final,
    attempts: earlier.attempts + later.attempts,
    flaky: final.outcome === "passed" && (failedBefore || final.flaky || (earlier.outcome === "skipped" && final === later)),
    message: final.message ?? earlier.message,
  };
}

/** A case's identity across attempts and reports: suite, host (Playwright project), class and name. */
export const caseKey = (result: Pick<TestCaseResult, "suite" | "host" | "classname" | "name">) =>
  `${result.suite}\u0000${result.host}\u0000${result.classname}\u0000${result.name}`;

/** A streaming reader of one test-results file: JUnit XML in its dialects, or .NET's TRX, told apart by the root element. */
export interface TestResultsParser {
  write(chunk: string): void;
  end(): TestReport;
}

interface OpenCase {
  result: TestCaseResult;
  /** No time recorded (or 0): with no result element, jest-junit's way of writing `it.todo`. */
  noTime?: boolean;
  hasResult?: boolean;
  /** Element whose text is being read (failure, error, skipped), and the text so far. */
  reading?: { element: string; text: string; message: string | undefined };
}

/**
 * JUnit XML as the tools write it. Surefire's `<flakyFailure>`/`<flakyError>`
 * (passed on rerun) and `<rerunFailure>`/`<rerunError>` (failed every rerun);
 * Gradle and TestNG repeat a retried case, folded here into one test; pytest's
 * `<skipped type="pytest.xfail">` is an expected failure and its collection
 * errors, like go-junit-report's `[build failed]`, are setup errors; vitest
 * reports a file that fails to load as a failed case. Counts come from the
 * cases: headers disagree with them in real files.
 */
function junitHandlers(path: string, cases: Map<string, TestCaseResult>) {
  const interned = new Interned();
  /** Open suites; `declared` is the header's count, `silent` the cases with no result and no time (jest-junit's todos look so). */
  const suites: { name: string; host: string; file: string | undefined; declared: number | undefined; cases: number; silent: TestCaseResult[] }[] = [];
  let open: OpenCase | undefined;
  let sawRoot = false;

  const finish = (result: TestCaseResult) => {
    const key = detachString(caseKey(result));
    const earlier = cases.get(key);
    cases.set(key, earlier ? fold(earlier, result) : result);
  };

  return {
    open(name: string, attributes: Record<string, string>, line: number) {
      if (!sawRoot) {
        if (name !== "testsuites" && name !== "testsuite")
          throw new ConfigurationError(`expected a JUnit XML report (<testsuites> or <testsuite>), found <${name}>`, path, line);
        sawRoot = true;
      }
      switch (name) {
        case "testsuite": {
          const parent = suites.at(-1);
          const declared = Number(attributes.tests);
          suites.push({
            name: interned.get(attributes.name ?? parent?.name ?? ""),
            host: interned.get(attributes.hostname ?? parent?.host ?? ""),
            file: attributes.file !== undefined ? interned.get(attributes.file) : parent?.file,
            declared: attributes.tests !== undefined && Number.isSafeInteger(declared) ? declared : undefined,
            cases: 0,
            silent: [],
          });
          break;
        }
        case "testcase": {
          const suite = suites.at(-1);
          const lineNumber = Number(attributes.line);
          const classname = interned.get(attributes.classname ?? attributes.class ?? "");
          const testName = detachString(attributes.name ?? "");
          if (suite) suite.cases += 1;
          open = {
            noTime: Number(attributes.time ?? 0) === 0,
            result: {
              report: path,
              suite: suite?.name ?? "",
              // A host name is a project only where it differs per suite (Playwright); go-junit-report writes "hostname" everywhere.
              host: suite?.host ?? "",
              classname,
              name: testName,
              ...((attributes.file ?? suite?.file) ? { file: attributes.file !== undefined ? interned.get(attributes.file) : suite?.file } : {}),
              ...(Number.isSafeInteger(lineNumber) && lineNumber > 0 ? { line: lineNumber } : {}),
              outcome: "passed",
              attempts: 1,
              flaky: false,
              setup: SETUP_NAMES.test(testName),
            },
          };
          break;
        }
        case "failure":
        case "error":
        case "skipped":
        case "flakyFailure":
        case "flakyError":
        case "rerunFailure":
        case "rerunError": {
          if (!open) break;
          const result = open.result;
          open.hasResult = true;
          if (name === "failure" || name === "error") {
            // An error outranks a failure of the same case; both outrank what came before.
            result.outcome = name === "error" || result.outcome === "error" ? "error" : "failed";
            // pytest reports collection errors as a case of the module with no class.
            if (name === "error" && result.classname === "" && /collection|setup|import/i.test(attributes.message ?? "")) result.setup = true;
          } else if (name === "skipped") {
            if (result.outcome === "passed") result.outcome = attributes.type === "pytest.xfail" ? "xfail" : "skipped";
          } else if (name === "flakyFailure" || name === "flakyError") {
            result.flaky = true;
            result.attempts += 1;
          } else {
            result.attempts += 1;
          }
          if (name === "failure" || name === "error" || (name.startsWith("flaky") && !result.message))
            open.reading = { element: name, text: "", message: attributes.message };
          break;
        }
      }
    },
    text(text: string) {
      if (open?.reading && open.reading.text.length < MESSAGE_CHARS) open.reading.text += text.slice(0, MESSAGE_CHARS - open.reading.text.length);
    },
    close(name: string) {
      if (name === "testsuite") {
        const suite = suites.pop();
        // jest-junit leaves \`it.todo\` out of the suite's count and writes it as a case with no result: a naive reader passes it.
        if (suite?.declared !== undefined && suite.cases - suite.declared === suite.silent.length && suite.silent.length > 0)
          for (const result of suite.silent) result.outcome = "todo";
      } else if (name === "testcase" && open) {
        const { result } = open;
        // vitest reports a test file that failed to load as a failed case named after the file.
        if (result.outcome !== "passed" && result.name === result.classname && /\.(?:[cm]?[jt]sx?)$/.test(result.name)) result.setup = true;
        if (!open.hasResult && open.noTime) suites.at(-1)?.silent.push(result);
        finish(result);
        open = undefined;
      } else if (open?.reading && open.reading.element === name) {
        const message = detachString(summarise(open.reading.message || open.reading.text));
        if (message && !open.result.message) open.result.message = message;
        if (open.result.line === undefined) Object.assign(open.result, locationIn(`${open.reading.message ?? ""}\n${open.reading.text}`));
        open.reading = undefined;
      }
    },
  };
}

const TRX_OUTCOMES: Record<string, TestOutcome> = {
  Passed: "passed",
  PassedButRunAborted: "passed",
  Failed: "failed",
  Error: "error",
  Timeout: "failed",
  Aborted: "error",
  NotExecuted: "skipped",
  NotRunnable: "skipped",
  Inconclusive: "skipped",
  Disconnected: "error",
  Warning: "passed",
  Completed: "passed",
  InProgress: "error",
  Pending: "skipped",
};

/** .NET's TRX: each `<UnitTestResult>` by its outcome (the `<Counters>` summary undercounts what was not executed), classes from `<TestDefinitions>`. */
function trxHandlers(path: string, cases: Map<string, TestCaseResult>, classes: Map<string, string>) {
  let open: OpenCase | undefined;
  let testId: string | undefined;
  return {
    open(name: string, attributes: Record<string, string>, line: number) {
      if (name === "UnitTestResult") {
        const outcome = TRX_OUTCOMES[attributes.outcome ?? ""];
        if (!outcome)
          throw new ConfigurationError(
            `expected a TRX outcome (Passed, Failed, NotExecuted…), found ${JSON.stringify(attributes.outcome ?? "none")}`,
            path,
            line,
          );
        open = {
          result: {
            report: path,
            suite: detachString(attributes.testListId ?? ""),
            host: detachString(attributes.computerName ?? ""),
            classname: detachString(attributes.testId ?? ""),
            name: detachString(attributes.testName ?? ""),
            outcome,
            attempts: 1,
            flaky: false,
            setup: false,
          },
        };
      } else if (name === "UnitTest") testId = attributes.id;
      else if (name === "TestMethod" && testId) classes.set(detachString(testId), detachString(attributes.className ?? ""));
      else if (name === "Message" && open) open.reading = { element: name, text: "", message: undefined };
    },
    text(text: string) {
      if (open?.reading && open.reading.text.length < MESSAGE_CHARS) open.reading.text += text.slice(0, MESSAGE_CHARS - open.reading.text.length);
    },
    close(name: string) {
      if (name === "UnitTestResult" && open) {
        cases.set(`${open.result.classname}\u0000${open.result.name}\u0000${cases.size}`, open.result);
        open = undefined;
      } else if (name === "UnitTest") testId = undefined;
      else if (name === "Message" && open?.reading) {
        const message = detachString(summarise(open.reading.text));
        if (message) open.result.message = message;
        open.reading = undefined;
      }
    },
  };
}

/**
 * Reads one test-results file, streamed: JUnit XML or TRX by its root
 * element. Anything else (a coverage report matched by a wide glob) is one
 * sentence naming the file and what its root was.
 */
export function createTestResultsParser(path: string): TestResultsParser {
  const cases = new Map<string, TestCaseResult>();
  const classes = new Map<string, string>();
  let format: TestReport["format"] | undefined;
  let handlers: ReturnType<typeof junitHandlers> | ReturnType<typeof trxHandlers> | undefined;
  const xml = new XmlStream({
    open(name, attributes, line) {
      if (!handlers) {
        format = name === "TestRun" ? "trx" : "junit";
        handlers = format === "trx" ? trxHandlers(path, cases, classes) : junitHandlers(path, cases);
      }
      handlers.open(name, attributes, line);
    },
    close: (name) => handlers?.close(name),
    text: (text) => handlers?.text(text),
  });
  return {
    write(chunk) {
      try {
        xml.write(chunk);
      } catch (error) {
        throw error instanceof ConfigurationError ? error.withSource(path) : error;
      }
    },
    end() {
      try {
        xml.end();
      } catch (error) {
        throw error instanceof ConfigurationError ? error.withSource(path) : error;
      }
      // saxes refuses a document without a root element, so a format is always known here.
      const results = [...cases.values()];
      // TRX names a test's class only in its definitions, which may come after the results.
      if (format === "trx") for (const result of results) result.classname = classes.get(result.classname) ?? "";
      return { path, format: format ?? "junit", cases: results };
    },
  };
}

/** Reads a whole test-results text (tests, small files); the pipeline streams files through `createTestResultsParser`. */
export function parseTestResults(text: string, path: string): TestReport {
  const parser = createTestResultsParser(path);
  parser.write(text);
  return parser.end();
}
