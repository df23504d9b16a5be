/** An HTTP error from the GitHub API, kept apart so callers can degrade on 403/404. */
export class GitHubApiError extends Error {
  override readonly name = "GitHubApiError";
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    detail: string,
  ) {
    super(`GitHub API ${method} ${path} answered ${status}: ${detail}`);
  }

  /** Fork PRs, `permissions:` without the scope, or a missing token. */
  get isPermissionProblem(): boolean {
    return this.status === 401 || this.status === 403 || this.status === 404;
  }
}

const NEXT_LINK = /<([^>]+)>;\s*rel="next"/;

/**
 * The few REST calls the gates need, over fetch: no Octokit in the bundle.
 * Server errors are retried (3 tries, backing off); client errors are not.
 */
export class GitHubClient {
  constructor(
    private readonly apiUrl: string,
    private readonly token: string,
    private readonly retryDelayMs = 500,
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<{ data: T; next: string | undefined }> {
    const url = path.startsWith("http") ? path : `${this.apiUrl}${path}`;
    for (let attempt = 1; ; attempt += 1) {
      const response = await fetch(url, {
        method,
        headers: {
          accept: "application/vnd.github+json",
          authorization: `Bearer ${this.token}`,
          "x-github-api-version": "2022-11-28",
          "user-agent": "release-gates",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (response.status >= 500 && attempt < 3) {
        await new Promise((done) => setTimeout(done, this.retryDelayMs * attempt));
        continue;
      }
      if (!response.ok) {
        const text = await response.text();
        let detail = text.slice(0, 200);
        try {
          detail = (JSON.parse(text) as { message?: string }).message ?? detail;
        } catch {}
        throw new GitHubApiError(response.status, method, path, detail);
      }
      const data = (response.status === 204 ? undefined : await response.json()) as T;
      return { data, next: NEXT_LINK.exec(response.headers.get("link") ?? "")?.[1] };
    }
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
}
