import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ConfigurationError, parseDuration } from "@release-gates/core";

/** An HTTP error from a platform API, kept apart so callers can degrade on 401/403/404. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly service: string,
    readonly status: number,
    readonly method: string,
    readonly path: string,
    detail: string,
  ) {
    super(`${service} API ${method} ${path.split("?")[0]} answered ${status}: ${detail}`);
  }

  /** Fork PRs, a token without the scope, or no token at all. */
  get isPermissionProblem(): boolean {
    return this.status === 401 || this.status === 403 || this.status === 404;
  }
}

/**
 * A service the gate needs did not answer usefully: refused, timed out,
 * overloaded after every retry, or answered something that is not its API.
 * The gate cannot decide without it, so it fails closed (exit 4), saying so.
 */
export class ServiceUnavailableError extends Error {
  override readonly name = "ServiceUnavailableError";
  constructor(
    readonly service: string,
    message: string,
  ) {
    super(message);
  }
}

const NEXT_LINK = /<([^>]+)>;\s*rel="next"/;

/** The next page's URL from a `Link` header (GitHub and GitLab both paginate with `rel="next"`). */
export const nextLink = (header: string | null | undefined): string | undefined => NEXT_LINK.exec(header ?? "")?.[1];

/** What one call may take at most, body included, unless RELEASE_GATES_HTTP_TIMEOUT says otherwise. */
export const DEFAULT_HTTP_TIMEOUT_MS = 60_000;
/** Attempts for an answer worth retrying (429, 5xx, a dropped connection). */
export const ATTEMPTS = 3;
/** A Retry-After longer than this is not waited for: the gate fails closed at once, saying when to retry. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** A download (an artifact of up to 512 MB) may take this long unless RELEASE_GATES_HTTP_TIMEOUT says otherwise. */
export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 600_000;

/** The deadline of every call, from RELEASE_GATES_HTTP_TIMEOUT (`30s`, `5m`) or the default for its kind. */
export function httpTimeoutMs(kind: "api" | "download" = "api", env: NodeJS.ProcessEnv = process.env): number {
  const text = env.RELEASE_GATES_HTTP_TIMEOUT?.trim();
  if (text) return parseDuration(text, "RELEASE_GATES_HTTP_TIMEOUT");
  return kind === "api" ? DEFAULT_HTTP_TIMEOUT_MS : DEFAULT_DOWNLOAD_TIMEOUT_MS;
}

/** Validates a service's base URL where it is configured, so a typo is named there instead of failing inside fetch. */
export function serviceUrl(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(`expected an http(s) URL, found ${JSON.stringify(value.slice(0, 100))}`, source);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new ConfigurationError(`expected an http(s) URL, found ${url.protocol} in ${JSON.stringify(value.slice(0, 100))}`, source);
  return value.replace(/\/$/, "");
}

/** Milliseconds a 429 or 503 asks to wait (`Retry-After` in seconds or as a date), or undefined. */
function retryAfterMs(response: Response, now: number): number | undefined {
  const header = response.headers.get("retry-after");
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The sentence for a service that could not be used, naming the setting that points at it. */
export function unavailableError(service: string, method: string, path: string, why: string, addressSource?: string): ServiceUnavailableError {
  const hint = addressSource ? ` (check ${addressSource}, or try again later)` : ": try again later";
  return new ServiceUnavailableError(service, `${service} API ${method} ${path.split("?")[0]} could not be used: ${why}${hint}.`);
}

/** Why fetch failed, in words: fetch says "fetch failed" and hides the reason in `cause`. */
export function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === "TimeoutError" || (error as Error).name === "AbortError") return "it did not finish answering in time";
  switch (cause?.code) {
    case "ECONNREFUSED":
      return "the connection was refused";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "its host name does not resolve";
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
      return "the connection was dropped";
    case "ETIMEDOUT":
    case "UND_ERR_CONNECT_TIMEOUT":
      return "the connection timed out";
    default:
      if (/redirect count exceeded/.test(cause?.message ?? "")) return "it redirected too many times (a redirect loop?)";
      return (cause?.message ?? (error as Error).message ?? String(error)).slice(0, 120);
  }
}

export interface RestClientOptions {
  /** Between retries, multiplied by the attempt (a Retry-After header wins). */
  retryDelayMs?: number;
  /** The deadline of one call, body included. */
  timeoutMs?: number;
  /** The deadline of a download. */
  downloadTimeoutMs?: number;
  /** What the user configures the address with, for the sentence when it does not answer (GITHUB_API_URL). */
  addressSource?: string;
}

/**
 * The few REST calls the gates need, over fetch: no SDK in the bundles.
 * Every call has one deadline that covers the response body; 429, 5xx and a
 * dropped connection are retried (3 attempts, backing off, honouring
 * Retry-After), then the service counts as unavailable. GitHub and GitLab both
 * paginate with `Link: <…>; rel="next"`.
 */
export class RestClient {
  private readonly retryDelayMs: number;
  private readonly timeoutMs: number;
  private readonly downloadTimeoutMs: number;
  private readonly addressSource: string | undefined;

  private readonly baseUrl: string;

  constructor(
    private readonly service: string,
    baseUrl: string,
    private readonly headers: Record<string, string>,
    options: RestClientOptions = {},
  ) {
    this.baseUrl = serviceUrl(baseUrl, options.addressSource ?? `${service}'s address`);
    this.retryDelayMs = options.retryDelayMs ?? 500;
    this.timeoutMs = options.timeoutMs ?? httpTimeoutMs("api");
    this.downloadTimeoutMs = options.downloadTimeoutMs ?? options.timeoutMs ?? httpTimeoutMs("download");
    this.addressSource = options.addressSource;
  }

  private unavailable(method: string, path: string, why: string): ServiceUnavailableError {
    return unavailableError(this.service, method, path, why, this.addressSource);
  }

  /** One call with retries; the body is read within the same deadline. */
  private async send(
    method: string,
    path: string,
    body: unknown,
    redirect: "follow" | "manual",
    read: (response: Response) => Promise<unknown>,
    timeoutMs = this.timeoutMs,
  ) {
    const url = path.startsWith("http") ? path : `${this.baseUrl}${path}`;
    for (let attempt = 1; ; attempt += 1) {
      let response: Response;
      let value: unknown;
      try {
        response = await fetch(url, {
          method,
          redirect,
          signal: AbortSignal.timeout(timeoutMs),
          headers: { "user-agent": "release-gates", ...this.headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (response.ok || (redirect === "manual" && response.status >= 300 && response.status < 400)) {
          value = await read(response);
          return { response, value };
        }
      } catch (error) {
        if (error instanceof ServiceUnavailableError || error instanceof ConfigurationError || error instanceof ApiError) throw error;
        const why = networkReason(error);
        // A refused or unresolvable address will not answer on a retry; a dropped or slow one might.
        if (attempt < ATTEMPTS && !/refused|resolve|in time|redirected/.test(why)) {
          await new Promise((done) => setTimeout(done, this.retryDelayMs * attempt));
          continue;
        }
        throw this.unavailable(
          method,
          path,
          `${why}${/in time/.test(why) ? ` (${Math.round(timeoutMs / 1000)} s; RELEASE_GATES_HTTP_TIMEOUT sets the limit)` : ""}`,
        );
      }
      if (response.status === 429 || response.status >= 500) {
        const wait = retryAfterMs(response, Date.now());
        await response.body?.cancel();
        if (wait !== undefined && wait > MAX_RETRY_AFTER_MS)
          throw this.unavailable(method, path, `it answered ${response.status} and asked to retry in ${Math.ceil(wait / 1000)} s`);
        if (attempt < ATTEMPTS) {
          await new Promise((done) => setTimeout(done, wait ?? this.retryDelayMs * attempt));
          continue;
        }
        throw this.unavailable(method, path, `it answered ${response.status} ${ATTEMPTS} times`);
      }
      const text = await response.text().catch(() => "");
      let detail = text.slice(0, 200).replace(/\s+/g, " ");
      try {
        detail = ((JSON.parse(text) as { message?: unknown }).message as string | undefined)?.toString().slice(0, 200) ?? detail;
      } catch {}
      throw new ApiError(this.service, response.status, method, path, detail || response.statusText);
    }
  }

  /** JSON from a call; an HTML page or broken JSON instead is the service not answering as its API. */
  async request<T>(method: string, path: string, body?: unknown): Promise<{ data: T; next: string | undefined }> {
    const { response, value } = await this.send(method, path, body, "follow", async (answer) => {
      if (answer.status === 204) return undefined;
      const text = await answer.text();
      try {
        return JSON.parse(text) as T;
      } catch {
        const html = /^\s*</.test(text);
        throw this.unavailable(
          method,
          path,
          `it answered ${html ? "an HTML page (a proxy or a sign-in page?)" : "text that is not JSON"} instead of its API's JSON`,
        );
      }
    });
    return { data: value as T, next: nextLink(response.headers.get("link")) };
  }

  /** Follows `Link: rel="next"` until the last page. */
  async paginate<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = `${path}${path.includes("?") ? "&" : "?"}per_page=100`;
    while (next) {
      const page: { data: T[]; next: string | undefined } = await this.request<T[]>("GET", next);
      if (!Array.isArray(page.data)) throw this.unavailable("GET", path, "it answered something other than a list");
      items.push(...page.data);
      next = page.next;
    }
    return items;
  }

  /**
   * Downloads to `destination`, streamed and counted: more than `maxBytes` is
   * refused without holding the download in memory. A redirect to another
   * host (GitHub sends artifact zips to blob storage) is followed without
   * this client's credentials.
   */
  async downloadToFile(path: string, destination: string, maxBytes: number): Promise<void> {
    const tooBig = (bytes: number) =>
      new ConfigurationError(
        `expected a download of at most ${maxBytes} bytes, found ${bytes} bytes or more`,
        `${this.service} download ${path.split("?")[0]}`,
      );
    const save = async (answer: Response) => {
      const length = Number(answer.headers.get("content-length") ?? 0);
      if (length > maxBytes) throw tooBig(length);
      if (!answer.body) throw this.unavailable("GET", path, "it answered without a body");
      let received = 0;
      await pipeline(
        Readable.fromWeb(answer.body as import("node:stream/web").ReadableStream<Uint8Array>),
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            received += chunk.length;
            if (received > maxBytes) throw tooBig(received);
            yield chunk;
          }
        },
        createWriteStream(destination),
      );
      return true;
    };
    const first = await this.send(
      "GET",
      path,
      undefined,
      "manual",
      async (answer) => (answer.status >= 300 && answer.status < 400 ? undefined : save(answer)),
      this.downloadTimeoutMs,
    );
    const location = first.response.headers.get("location");
    if (first.value !== undefined) return;
    if (!location) throw this.unavailable("GET", path, `it answered ${first.response.status} without a Location to download from`);
    const target = new URL(location, this.baseUrl);
    if (target.origin === new URL(this.baseUrl).origin) {
      await this.send("GET", target.href, undefined, "follow", save, this.downloadTimeoutMs);
      return;
    }
    // Blob storage is not this service: no credentials, the same deadline and retries.
    const storage = new RestClient(
      `${this.service} artifact storage`,
      target.origin,
      {},
      { retryDelayMs: this.retryDelayMs, timeoutMs: this.downloadTimeoutMs },
    );
    await storage.send("GET", target.href, undefined, "follow", save);
  }
}
