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
    const where = [source, line === undefined ? undefined : `line ${line}`].filter(Boolean).join(", ");
    return where ? `${where}: ${detail}` : detail;
  }
}

/** Wraps anything unexpected so users see which gate failed and where to report it. */
export function describeInternalError(gate: string, error: unknown): string {
  const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `release-gates/${gate} failed: ${reason}\nThis is a bug in release-gates, not in your configuration: please report it with the log above.`;
}
