import type { RequestError } from "@octokit/request-error";
import {
  ApiError,
  ATTEMPTS,
  httpTimeoutMs,
  MAX_RETRY_AFTER_MS,
  networkReason,
  nextLink,
  RestClient,
  type RestClientOptions,
  ServiceUnavailableError,
  serviceUrl,
  unavailableError,
} from "../http/rest.js";

/** The Octokit @actions/github builds, with the retry and throttling plugins. */
type Octokit = ReturnType<typeof import("@actions/github").getOctokit>;

const SERVICE = "GitHub";
const ADDRESS = "GITHUB_API_URL";

/** GitHub's answer to too many requests: a 429, or a 403 saying so (rate limit exhausted, secondary limit). */
function isRateLimit(error: RequestError): boolean {
  const headers = error.response?.headers ?? {};
  return error.status === 429 || (error.status === 403 && (headers["x-ratelimit-remaining"] === "0" || /rate limit/i.test(error.message)));
}

/** Seconds GitHub asks to wait: Retry-After, else until the rate limit resets. */
function retryAfterSeconds(error: RequestError): number | undefined {
  const headers = error.response?.headers ?? {};
  if (headers["retry-after"] !== undefined) return Number(headers["retry-after"]);
  if (headers["x-ratelimit-reset"] !== undefined) return Math.max(0, Math.ceil(Number(headers["x-ratelimit-reset"]) - Date.now() / 1000));
  return undefined;
}

/**
 * The GitHub REST API through Octokit, as @actions/github builds it (proxy
 * support from HTTPS_PROXY / NO_PROXY on self-hosted runners, GitHub
 * Enterprise base URLs), with the retry plugin for 5xx and dropped
 * connections and the throttling plugin for rate limits (waited for when
 * GitHub asks for at most a minute). Every call has one deadline; failures
 * are the same errors as every other service's: ApiError for what GitHub
 * refuses (the classifier names the missing permission), exit 4 for GitHub
 * being unavailable. Octokit is loaded on the first call, so a run that never
 * calls GitHub does not pay for it at startup.
 */
export class GitHubClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly retryDelayMs: number;
  private octokit: Promise<Octokit> | undefined;

  constructor(
    apiUrl: string,
    private readonly token: string,
    private readonly options: RestClientOptions = {},
  ) {
    this.baseUrl = serviceUrl(apiUrl, options.addressSource ?? ADDRESS);
    this.timeoutMs = options.timeoutMs ?? httpTimeoutMs("api");
    this.retryDelayMs = options.retryDelayMs ?? 500;
  }

  private api(): Promise<Octokit> {
    this.octokit ??= Promise.all([import("@actions/github"), import("@octokit/plugin-retry"), import("@octokit/plugin-throttling")]).then(
      ([{ getOctokit }, { retry }, { throttling }]) => {
        // Wait for what GitHub asks, when it is at most a minute and this is not the last attempt.
        const waitFor = (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) =>
          retryAfter * 1000 <= MAX_RETRY_AFTER_MS && retryCount < ATTEMPTS - 1;
        return getOctokit(
          this.token,
          {
            baseUrl: this.baseUrl,
            userAgent: "release-gates",
            // Rate limits (429, and 403 saying so) are the throttling plugin's to wait for, never blind retries.
            retry: { retries: ATTEMPTS - 1, retryAfterBaseValue: this.retryDelayMs, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
            throttle: { onRateLimit: waitFor, onSecondaryRateLimit: waitFor },
            request: { headers: { "x-github-api-version": "2022-11-28" } },
            log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
          },
          retry,
          throttling,
        );
      },
    );
    return this.octokit;
  }

  /** Octokit's errors as the gate's: ApiError for refusals, ServiceUnavailableError for everything that says GitHub cannot be used now. */
  private failure(error: unknown, method: string, path: string): Error {
    const failed = (why: string) => unavailableError(SERVICE, method, path, why, this.options.addressSource ?? ADDRESS);
    const requestError = error as RequestError & { cause?: unknown };
    if (error instanceof ServiceUnavailableError || error instanceof ApiError) return error;
    if (
      (error as Error).name === "AbortError" ||
      (error as Error).name === "TimeoutError" ||
      (requestError.cause as Error | undefined)?.name === "TimeoutError"
    )
      return failed(`it did not finish answering in time (${Math.round(this.timeoutMs / 1000)} s; RELEASE_GATES_HTTP_TIMEOUT sets the limit)`);
    if (typeof requestError.status !== "number") return error as Error;
    if (!requestError.response) return failed(networkReason(requestError.cause ?? error));
    if (isRateLimit(requestError)) {
      const wait = retryAfterSeconds(requestError);
      return failed(`it is rate-limited (${requestError.status})${wait === undefined ? "" : ` and asked to retry in ${wait} s`}`);
    }
    if (requestError.status >= 500) return failed(`it answered ${requestError.status} ${ATTEMPTS} times`);
    const data = requestError.response.data as { message?: unknown } | string | undefined;
    const detail = typeof data === "object" && data?.message !== undefined ? String(data.message) : String(data ?? requestError.message);
    return new ApiError(SERVICE, requestError.status, method, path, detail.replace(/\s+/g, " ").slice(0, 200));
  }

  /** A call's JSON and the next page's URL; an HTML page or broken JSON instead is GitHub not answering as its API. */
  async request<T>(method: string, path: string, body?: unknown): Promise<{ data: T; next: string | undefined }> {
    const octokit = await this.api();
    let response: Awaited<ReturnType<Octokit["request"]>>;
    try {
      response = await octokit.request({
        method,
        url: path,
        ...(body === undefined ? {} : { data: body }),
        request: { signal: AbortSignal.timeout(this.timeoutMs) },
      });
    } catch (error) {
      throw this.failure(error, method, path);
    }
    if (response.status !== 204 && (typeof response.data === "string" || response.data instanceof ArrayBuffer)) {
      const html = typeof response.data === "string" && /^\s*</.test(response.data);
      throw unavailableError(
        SERVICE,
        method,
        path,
        `it answered ${html ? "an HTML page (a proxy or a sign-in page?)" : "text that is not JSON"} instead of its API's JSON`,
        this.options.addressSource ?? ADDRESS,
      );
    }
    return { data: response.data as T, next: nextLink(response.headers.link) };
  }

  /**
   * A GraphQL query. GitHub serves GraphQL beside REST: /graphql on
   * api.github.com, /api/graphql on GitHub Enterprise Server (whose REST is
   * /api/v3). An answer with `errors` is GitHub refusing, as a 4xx would be.
   */
  async graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const url = this.baseUrl.replace(/\/api\/v3$/, "/api").replace(/\/$/, "") + "/graphql";
    const { data } = await this.request<{ data?: T; errors?: { message?: string }[] }>("POST", url, { query, variables });
    if (data.errors?.length || !data.data)
      throw new ApiError(SERVICE, 200, "POST", "/graphql", (data.errors?.map((error) => error.message).join("; ") || "no data").slice(0, 200));
    return data.data;
  }

  /** Follows `Link: rel="next"` until the last page. */
  async paginate<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = `${path}${path.includes("?") ? "&" : "?"}per_page=100`;
    while (next) {
      const page: { data: T[]; next: string | undefined } = await this.request<T[]>("GET", next);
      if (!Array.isArray(page.data))
        throw unavailableError(SERVICE, "GET", path, "it answered something other than a list", this.options.addressSource ?? ADDRESS);
      items.push(...page.data);
      next = page.next;
    }
    return items;
  }

  /**
   * Downloads an archive to `destination`, streamed and counted. GitHub
   * answers with a redirect to blob storage, which is fetched without
   * GitHub's token.
   */
  async downloadToFile(path: string, destination: string, maxBytes: number): Promise<void> {
    const octokit = await this.api();
    let response: Awaited<ReturnType<Octokit["request"]>>;
    try {
      response = await octokit.request({
        method: "GET",
        url: path,
        request: { redirect: "manual", parseSuccessResponseBody: false, signal: AbortSignal.timeout(httpTimeoutMs("download")) },
      });
    } catch (error) {
      throw this.failure(error, "GET", path);
    }
    const location = response.headers.location;
    // The body was not read (parseSuccessResponseBody: false): release it.
    await (response.data as ReadableStream | undefined)?.cancel?.();
    if (!location) throw unavailableError(SERVICE, "GET", path, `it answered ${response.status} without a Location to download from`, ADDRESS);
    const target = new URL(location, this.baseUrl);
    const storage = new RestClient(`${SERVICE} artifact storage`, target.origin, {}, { retryDelayMs: this.retryDelayMs, timeoutMs: httpTimeoutMs("download") });
    await storage.downloadToFile(target.href, destination, maxBytes);
  }
}
