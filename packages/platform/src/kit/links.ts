import type { GateReport, RenderLinks } from "@release-gates/core";

const encodePath = (path: string) => path.split("/").map(encodeURIComponent).join("/");

/**
 * Links from a summary to the files at the report's commit, on the platform
 * the run is on: GitHub (GITHUB_SERVER_URL and GITHUB_REPOSITORY) or GitLab
 * (CI_PROJECT_URL). None elsewhere, or when the report names no commit.
 */
export function platformLinks(report: GateReport, env: NodeJS.ProcessEnv): RenderLinks | undefined {
  const commit = report.subject[0]?.digest.gitCommit;
  if (!commit) return undefined;
  const anchor = (line?: number) => (line ? `#L${line}` : "");
  if (env.GITHUB_ACTIONS === "true" && env.GITHUB_REPOSITORY) {
    const server = (env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/$/, "");
    return { blobUrl: (path, line) => `${server}/${env.GITHUB_REPOSITORY}/blob/${commit}/${encodePath(path)}${anchor(line)}` };
  }
  if (env.GITLAB_CI !== undefined && env.CI_PROJECT_URL) {
    const project = env.CI_PROJECT_URL.replace(/\/$/, "");
    return { blobUrl: (path, line) => `${project}/-/blob/${commit}/${encodePath(path)}${anchor(line)}` };
  }
  return undefined;
}
