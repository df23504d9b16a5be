/** How much of a sentence an error may hold. */
const MAX_DETAIL = 1000;

/**
 * An input value as a message quotes it: JSON-quoted, at most `max`
 * characters of it (a 50 MB value is not echoed back), control characters escaped.
 */
export function quoted(value: unknown, max = 80): string {
  if (typeof value !== "string") {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > max ? `${text.slice(0, max)}…` : text;
  }
  return value.length > max ? `${JSON.stringify(value.slice(0, max))}… (${value.length} characters)` : JSON.stringify(value);
}

/**
 * A user's mistake: a bad input, policy or file. Front ends exit 2 (CLI) or
 * `setFailed` with `message` (actions). The message is one sentence naming the
 * source, the line or key path, what was expected and what was found.
 */
export class ConfigurationError extends Error {
  override readonly name = "ConfigurationError";
  constructor(
    readonly detail: string,
    readonly source?: string,
    readonly line?: number,
  ) {
    super(ConfigurationError.compose(detail, source, line));
  }

  /** The same error, attributed to a file (parsers do not know their file names). */
  withSource(source: string): ConfigurationError {
    return this.source ? this : new ConfigurationError(this.detail, source, this.line);
  }

  private static compose(detail: string, source?: string, line?: number): string {
    // A backstop: whatever a message quotes, a CI log line stays readable and bounded.
    if (detail.length > MAX_DETAIL) detail = `${detail.slice(0, MAX_DETAIL)}… (${detail.length - MAX_DETAIL} more characters)`;
    const where = [source, line === undefined ? undefined : `line ${line}`].filter(Boolean).join(", ");
    return where ? `${where}: ${detail}` : detail;
  }
}

/**
 * Wraps anything unexpected so users see which gate failed and where to
 * report it; the stack only when debugging was asked for.
 */
export function describeInternalError(gate: string, error: unknown, withStack = false): string {
  const reason = error instanceof Error ? (withStack ? (error.stack ?? error.message) : `${error.name}: ${error.message}`) : String(error);
  const hint = withStack ? "please report it with the log above" : "please report it; re-run with --debug (RUNNER_DEBUG=1 on GitHub) for the stack trace";
  return `release-gates/${gate} failed: ${reason}\nThis is a bug in release-gates, not in your configuration: ${hint}.`;
}
