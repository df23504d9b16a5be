import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import { parseJsonText } from "@release-gates/core";
import picomatch from "picomatch";
import type { GitHubClient } from "../github/client.js";
import type { GitLabClient } from "../gitlab/client.js";
import { zipReader } from "../local/archives.js";

/** A JSON file that may be a gate report, with where it came from; `report` is undefined when it was not JSON. */
export interface FoundReport {
  source: string;
  report: unknown;
}

/**
 * Where the gate reports promote decides on are found: a directory (the
 * gates ran in this job or their artifacts were downloaded into it), or the
 * artifacts of every CI run for the commit (GitHub workflow runs, GitLab
 * pipelines), since in real CI other jobs and other runs write them. Which of
 * them count (the commit, the environment's settings, the newest run) is
 * decided in core.
 */
export interface GateReportSource {
  readonly description: string;
  read(commit: string): Promise<{ reports: FoundReport[]; missing?: string }>;
}

/** An archive may unpack to this much; one report to this much. Reports are small. */
const LIMITS = { maxTotalBytes: 256 * 1024 * 1024, maxEntryBytes: 16 * 1024 * 1024 };
/** Artifacts are downloaded up to this size. */
const MAX_ARCHIVE_BYTES = 256 * 1024 * 1024;

const asReport = (text: string, source: string): unknown => {
  try {
    return parseJsonText(text, "a gate report", source);
  } catch {
    return undefined; // named by core as "not a gate report", never silently skipped
  }
};

/** Every JSON file below `directory`; none when the directory does not exist (yet: no gate has run). */
async function jsonFiles(directory: string): Promise<string[] | undefined> {
  const entries = await readdir(directory, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (!entries) return undefined;
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...((await jsonFiles(path)) ?? []));
    else if (entry.isFile() && entry.name.endsWith(".json")) files.push(path);
  }
  return files.sort();
}

/** Reports in a directory of this machine, searched recursively. */
export class DirectoryReports implements GateReportSource {
  constructor(
    private readonly cwd: string,
    private readonly directory: string,
  ) {}

  get description(): string {
    return `the directory ${this.directory}`;
  }

  async read(): Promise<{ reports: FoundReport[]; missing?: string }> {
    const files = await jsonFiles(resolve(this.cwd, this.directory));
    // No reports yet is a hold that says where it looked, not a usage error.
    if (!files) return { reports: [], missing: `no reports were found: ${this.directory} does not exist` };
    const reports: FoundReport[] = [];
    for (const file of files) {
      const source = relative(this.cwd, file).split(sep).join("/");
      reports.push({ source, report: asReport(await readFile(file, "utf8"), source) });
    }
    return { reports };
  }
}

/** The JSON files of a downloaded artifact archive, each named `<where>/<path in the archive>`. */
async function reportsInArchive(download: (path: string) => Promise<void>, where: string): Promise<FoundReport[]> {
  const directory = await mkdtemp(join(tmpdir(), "release-gates-reports-"));
  const archive = join(directory, "artifact.zip");
  const reports: FoundReport[] = [];
  try {
    await download(archive);
    const { forEachZipEntry } = await zipReader();
    await forEachZipEntry(archive, where, LIMITS, async (entry) => {
      if (!entry.name.endsWith(".json")) return;
      const source = `${where}/${entry.name}`;
      reports.push({ source, report: asReport((await entry.bytes()).toString("utf8"), source) });
    });
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
  return reports;
}

interface WorkflowRun {
  id: number;
  name?: string | null;
  run_attempt?: number;
}

interface Artifact {
  id: number;
  name: string;
  expired: boolean;
  archive_download_url: string;
}

/** Runs read per commit at most: a commit is rarely built more than a few dozen times. */
const MAX_RUN_PAGES = 3;

/**
 * The artifacts of every workflow run of the repository for the commit
 * (`GET /repos/{o}/{r}/actions/runs?head_sha=`) whose name matches the
 * pattern (`*-report` by default: what the examples upload), downloaded and
 * read. Needs `actions: read`.
 */
export class GitHubArtifactReports implements GateReportSource {
  private readonly matches: (name: string) => boolean;

  constructor(
    private readonly client: GitHubClient,
    private readonly repository: string,
    private readonly pattern: string,
  ) {
    this.matches = picomatch(pattern);
  }

  get description(): string {
    return `artifacts named ${this.pattern} of ${this.repository}'s workflow runs`;
  }

  async read(commit: string): Promise<{ reports: FoundReport[]; missing?: string }> {
    const runs: WorkflowRun[] = [];
    let next: string | undefined = `/repos/${this.repository}/actions/runs?head_sha=${commit}&per_page=100`;
    for (let page = 0; next && page < MAX_RUN_PAGES; page += 1) {
      const response: { data: { workflow_runs?: WorkflowRun[] }; next: string | undefined } = await this.client.request("GET", next);
      runs.push(...(response.data.workflow_runs ?? []));
      next = response.next;
    }
    const reports: FoundReport[] = [];
    let artifactsRead = 0;
    for (const run of runs) {
      const { data } = await this.client.request<{ artifacts?: Artifact[] }>("GET", `/repos/${this.repository}/actions/runs/${run.id}/artifacts?per_page=100`);
      for (const artifact of (data.artifacts ?? []).filter((candidate) => !candidate.expired && this.matches(candidate.name))) {
        artifactsRead += 1;
        const where = `run ${run.id}${run.name ? ` (${run.name})` : ""} artifact ${artifact.name}`;
        reports.push(...(await reportsInArchive((path) => this.client.downloadToFile(artifact.archive_download_url, path, MAX_ARCHIVE_BYTES), where)));
      }
    }
    if (artifactsRead === 0) return { reports, missing: `no artifact named ${this.pattern} was found in the ${runs.length} workflow runs for the commit` };
    return { reports };
  }
}

interface Pipeline {
  id: number;
}

interface Job {
  id: number;
  name: string;
  artifacts_file?: { filename?: string } | null;
}

/**
 * The artifacts of the jobs whose name matches the pattern (`*-gate` by
 * default: the components' jobs) in every pipeline of the project for the
 * commit (`GET /projects/:id/pipelines?sha=`). Listing pipelines needs a
 * token with read_api (RELEASE_GATES_GITLAB_TOKEN): CI_JOB_TOKEN may not.
 */
export class GitLabArtifactReports implements GateReportSource {
  private readonly matches: (name: string) => boolean;

  constructor(
    private readonly client: GitLabClient,
    private readonly projectId: string,
    private readonly pattern: string,
  ) {
    this.matches = picomatch(pattern);
  }

  get description(): string {
    return `artifacts of jobs named ${this.pattern} in project ${this.projectId}'s pipelines`;
  }

  async read(commit: string): Promise<{ reports: FoundReport[]; missing?: string }> {
    const project = encodeURIComponent(this.projectId);
    const pipelines = await this.client.paginate<Pipeline>(`/projects/${project}/pipelines?sha=${commit}`);
    const reports: FoundReport[] = [];
    let artifactsRead = 0;
    for (const pipeline of pipelines) {
      const jobs = await this.client.paginate<Job>(`/projects/${project}/pipelines/${pipeline.id}/jobs`);
      for (const job of jobs.filter((candidate) => candidate.artifacts_file && this.matches(candidate.name))) {
        artifactsRead += 1;
        const where = `pipeline ${pipeline.id} job ${job.name}`;
        reports.push(
          ...(await reportsInArchive((path) => this.client.downloadToFile(`/projects/${project}/jobs/${job.id}/artifacts`, path, MAX_ARCHIVE_BYTES), where)),
        );
      }
    }
    if (artifactsRead === 0)
      return { reports, missing: `no job named ${this.pattern} with artifacts was found in the ${pipelines.length} pipelines for the commit` };
    return { reports };
  }
}
