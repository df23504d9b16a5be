import * as z from "zod";
import { validateAs } from "../validation.js";
import type { JobResult } from "./evaluate.js";

const GitHubJobs = z.looseObject({
  total_count: z.number().int().min(0),
  jobs: z.array(
    z.looseObject({
      name: z.string(),
      status: z.string(),
      conclusion: z.string().nullable().optional(),
      head_sha: z.string().optional(),
      html_url: z.string().nullable().optional(),
    }),
  ),
});

/** One page of `GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs` (`filter=latest`: the latest attempt of each job). */
export function parseGitHubJobsPage(body: unknown, source: string): { total: number; jobs: JobResult[] } {
  const page = validateAs(GitHubJobs, body, "jobs", source);
  return {
    total: page.total_count,
    jobs: page.jobs.map((job) => ({
      name: job.name,
      status: job.status === "completed" ? "completed" : job.status === "in_progress" ? "running" : "queued",
      conclusion: job.conclusion ?? undefined,
      allowFailure: false,
      sha: job.head_sha,
      ...(job.html_url ? { url: job.html_url } : {}),
    })),
  };
}

const GITLAB_FINISHED: Record<string, string> = {
  success: "success",
  failed: "failure",
  canceled: "cancelled",
  skipped: "skipped",
  manual: "manual (not run)",
};

/** `GET /projects/:id/pipelines/:pipeline_id/jobs`: GitLab's statuses as finished (with how) or not. */
export function parseGitLabJobs(body: unknown, source: string): JobResult[] {
  const jobs = validateAs(
    z.array(
      z.looseObject({
        name: z.string(),
        status: z.string(),
        allow_failure: z.boolean().default(false),
        commit: z.looseObject({ id: z.string() }).nullable().optional(),
        web_url: z.string().optional(),
      }),
    ),
    body,
    "jobs",
    source,
  );
  return jobs.map((job) => {
    const conclusion = GITLAB_FINISHED[job.status];
    return {
      name: job.name,
      status: conclusion ? "completed" : job.status === "running" ? "running" : "queued",
      conclusion,
      allowFailure: job.allow_failure,
      sha: job.commit?.id,
      ...(job.web_url ? { url: job.web_url } : {}),
    };
  });
}
