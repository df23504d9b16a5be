import { rm } from "node:fs/promises";
import { ConfigurationError, quoted } from "@release-gates/core";
import { zipReader } from "../local/archives.js";
import { tempFilePath } from "../local/files.js";
import type { GitHubClient } from "./client.js";
import type { GitHubContext } from "./context.js";

interface WorkflowRun {
  id: number;
  head_sha: string;
}

interface Artifact {
  id: number;
  name: string;
  expired: boolean;
  archive_download_url: string;
}

/** Artifacts are reports, not builds: anything bigger is a mistake. */
const MAX_ARTIFACT_BYTES = 512 * 1024 * 1024;

export interface BaseArtifact {
  /** The file, extracted to a temp directory. */
  path: string;
  /** `artifact@run/path`, for messages and the report's inputs. */
  source: string;
  runId: number;
  commit: string;
}

/**
 * The base branch's coverage report from its latest successful workflow run
 * that uploaded an artifact of that name (actions/upload-artifact). `path`
 * picks the file inside the artifact; without it the artifact must hold one file.
 */
export async function downloadBaseArtifact(
  client: GitHubClient,
  repository: string,
  branch: string,
  artifactName: string,
  path: string | undefined,
  input = "base-artifact",
): Promise<BaseArtifact> {
  const { data } = await client.request<{ workflow_runs: WorkflowRun[] }>(
    "GET",
    `/repos/${repository}/actions/runs?branch=${encodeURIComponent(branch)}&status=success&exclude_pull_requests=true&per_page=20`,
  );
  for (const run of data.workflow_runs) {
    const { data: artifacts } = await client.request<{ artifacts: Artifact[] }>(
      "GET",
      `/repos/${repository}/actions/runs/${run.id}/artifacts?name=${encodeURIComponent(artifactName)}`,
    );
    const artifact = artifacts.artifacts.find((candidate) => candidate.name === artifactName && !candidate.expired);
    if (!artifact) continue;
    const source = `artifact ${artifactName} of run ${run.id}`;
    const archive = await tempFilePath(`${artifactName}.zip`);
    await client.downloadToFile(artifact.archive_download_url, archive, MAX_ARTIFACT_BYTES);
    const wanted = path?.replace(/^\.\//, "");
    const names: string[] = [];
    let extracted: string | undefined;
    try {
      const { extractZipEntry, forEachZipEntry } = await zipReader();
      await forEachZipEntry(archive, source, { maxTotalBytes: MAX_ARTIFACT_BYTES, maxEntryBytes: MAX_ARTIFACT_BYTES }, async (entry) => {
        names.push(entry.name);
        const pick = wanted === undefined ? names.length === 1 : entry.name === wanted;
        if (pick) {
          extracted = await tempFilePath(entry.name);
          await extractZipEntry(entry, extracted);
        }
        // With a path, stop at it; without one, read on to make sure the file is alone.
        return !(pick && wanted !== undefined);
      });
    } finally {
      await rm(archive, { force: true });
    }
    const name = wanted ?? names[0];
    if (!extracted || (wanted === undefined && names.length > 1)) {
      const listed = names.length > 10 ? `${names.slice(0, 10).join(", ")} and ${names.length - 10} more` : names.join(", ");
      throw new ConfigurationError(
        path
          ? `expected ${quoted(path)} in the artifact, found only ${listed || "no files"}`
          : `expected one file in the artifact or ${input}-path to pick one, found ${listed || "no files"}`,
        source,
      );
    }
    return { path: extracted, source: `${source}/${name}`, runId: run.id, commit: run.head_sha };
  }
  throw new ConfigurationError(
    `expected an unexpired artifact named ${quoted(artifactName)} from one of the last ${data.workflow_runs.length} successful runs on ${branch}, found none: upload it on pushes to ${branch} with actions/upload-artifact`,
    `input ${input}`,
  );
}

/**
 * A report of the base branch (the pull request's base, else the default
 * branch) from the artifact an input names, written to a temp file for the
 * gate to read like any other report. `what` names it in the log.
 */
export async function fetchBaseArtifactReport(
  platform: { context: GitHubContext; client: GitHubClient | undefined; log(message: string): void },
  artifact: { name: string; path: string | undefined; input: string; what: string },
): Promise<{ path: string; display: string }> {
  const { context, client } = platform;
  const branch = context.pullRequest?.baseRef ?? context.defaultBranch;
  if (!client || !context.repository || !branch) {
    throw new ConfigurationError(
      "expected a token, the repository and a base branch to fetch the artifact from, found the run's context incomplete",
      `input ${artifact.input}`,
    );
  }
  const found = await downloadBaseArtifact(client, context.repository, branch, artifact.name, artifact.path, artifact.input);
  platform.log(`${artifact.what}: ${found.source} (commit ${found.commit.slice(0, 12)} on ${branch}).`);
  return { path: found.path, display: found.source };
}
