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
    super(`${service} API ${method} ${path} answered ${status}: ${detail}`);
  }

  /** Fork PRs, a token without the scope, or no token at all. */
  get isPermissionProblem(): boolean {
    return this.status === 401 || this.status === 403 || this.status === 404;
  }
}

const NEXT_LINK = /<([^>]+)>;\s*rel="next"/;

/**
 * The few REST calls the gates need, over fetch: no SDK in the bundles.
 * Server errors are retried (3 tries, backing off); client errors are not.
 * GitHub and GitLab both paginate with `Link: <…>; rel="next"`.
 */
export class RestClient {
  constructor(
    private readonly service: string,
    private readonly baseUrl: string,
    private readonly headers: Record<string, string>,
    private readonly retryDelayMs = 500,
  ) {}

  private async send(method: string, path: string, body: unknown, redirect: "follow" | "manual"): Promise<Response> {
    const url = path.startsWith("http") ? path : `${this.baseUrl}${path}`;
    for (let attempt = 1; ; attempt += 1) {
      const response = await fetch(url, {
        method,
        redirect,
        headers: { "user-agent": "release-gates", ...this.headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (response.status >= 500 && attempt < 3) {
        await new Promise((done) => setTimeout(done, this.retryDelayMs * attempt));
        continue;
      }
      if (!response.ok && !(redirect === "manual" && response.status >= 300 && response.status < 400)) {
        const text = await response.text();
        let detail = text.slice(0, 200);
        try {
          detail = (JSON.parse(text) as { message?: string }).message ?? detail;
        } catch {}
        throw new ApiError(this.service, response.status, method, path, detail);
      }
      return response;
    }
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<{ data: T; next: string | undefined }> {
    const response = await this.send(method, path, body, "follow");
    const data = (response.status === 204 ? undefined : await response.json()) as T;
    return { data, next: NEXT_LINK.exec(response.headers.get("link") ?? "")?.[1] };
  }

  /** Follows `Link: rel="next"` until the last page. */
  async paginate<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = `${path}${path.includes("?") ? "&" : "?"}per_page=100`;
    while (next) {
      const page: { data: T[]; next: string | undefined } = await this.request<T[]>("GET", next);
      items.push(...page.data);
      next = page.next;
    }
    return items;
  }

  /**
   * Downloads bytes. A redirect to another host (GitHub sends artifact zips
   * to blob storage) is followed without this client's credentials.
   */
  async download(path: string, maxBytes: number): Promise<Buffer> {
    let response = await this.send("GET", path, undefined, "manual");
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      const target = new URL(location, this.baseUrl);
      response =
        target.origin === new URL(this.baseUrl).origin
          ? await this.send("GET", target.href, undefined, "follow")
          : await fetch(target, { headers: { "user-agent": "release-gates" } });
      if (!response.ok) throw new ApiError(this.service, response.status, "GET", `${path} (redirected)`, response.statusText);
    }
    const length = Number(response.headers.get("content-length") ?? 0);
    if (length > maxBytes) throw new ApiError(this.service, 413, "GET", path, `the download is ${length} bytes, more than the ${maxBytes} allowed`);
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > maxBytes) throw new ApiError(this.service, 413, "GET", path, `the download is ${bytes.length} bytes, more than the ${maxBytes} allowed`);
    return bytes;
  }
}
