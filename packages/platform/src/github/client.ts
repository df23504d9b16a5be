import { RestClient, type RestClientOptions } from "../http/rest.js";

/** The GitHub REST API (api.github.com, or GITHUB_API_URL on GitHub Enterprise). */
export class GitHubClient extends RestClient {
  constructor(apiUrl: string, token: string, options: RestClientOptions = {}) {
    super(
      "GitHub",
      apiUrl,
      { accept: "application/vnd.github+json", authorization: `Bearer ${token}`, "x-github-api-version": "2022-11-28" },
      { addressSource: "GITHUB_API_URL", ...options },
    );
  }
}
