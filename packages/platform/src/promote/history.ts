import { readFile } from "node:fs/promises";
import { type LedgerEntry, ledgerLine, parseLedger } from "@release-gates/core/promote";
import type { GitHubClient } from "../github/client.js";
import type { GitLabClient } from "../gitlab/client.js";
import { writeOutputFile } from "../kit/outputs.js";
import { withFileLock } from "../local/lock.js";

/** Where the deployment history lives: read before deciding, appended to after. */
export interface DeploymentHistory {
  /** For messages: "the ledger release-gates/ledger.ndjson", "GitHub deployments of acme/app"… */
  readonly description: string;
  read(environments: readonly string[]): Promise<LedgerEntry[]>;
  record(entry: LedgerEntry): Promise<void>;
  /**
   * Runs a read, a decision and its record as one turn, so two runs never
   * both record the same step. The platforms' histories leave this to the
   * pipeline (a `concurrency` group, a `resource_group`).
   */
  exclusive<T>(body: () => Promise<T>): Promise<T>;
}

/** Remote histories cannot be locked from here: the pipeline serialises promote jobs. */
async function unlocked<T>(body: () => Promise<T>): Promise<T> {
  return body();
}

/** The local append-only NDJSON ledger: the default, used by the demo and on laptops. */
export class LedgerHistory implements DeploymentHistory {
  constructor(
    private readonly path: string,
    private readonly display: string,
  ) {}

  get description(): string {
    return `the ledger ${this.display}`;
  }

  /** The ledger's complete lines: an unterminated last line is an append that never finished, and never counted. */
  private async completeLines(): Promise<string> {
    const text = await readFile(this.path, "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return "";
      throw error;
    });
    return text.slice(0, text.lastIndexOf("\n") + 1);
  }

  async read(): Promise<LedgerEntry[]> {
    return parseLedger(await this.completeLines(), this.display);
  }

  /** Rewrites the ledger with the new line through a rename: a full disk leaves the old ledger whole. */
  async record(entry: LedgerEntry): Promise<void> {
    await writeOutputFile(this.path, (await this.completeLines()) + ledgerLine(entry));
  }

  exclusive<T>(body: () => Promise<T>): Promise<T> {
    return withFileLock(this.path, body);
  }
}

interface GitHubDeployment {
  id: number;
  sha: string;
  environment: string;
  created_at: string;
  payload?: { "release-gates"?: Partial<Pick<LedgerEntry, "event" | "traffic" | "bypass">> } | string;
}

interface GitHubStatus {
  state: "error" | "failure" | "inactive" | "in_progress" | "queued" | "pending" | "success";
  created_at: string;
}

/** At most this many deployments per environment are read: plenty for soak and rollback decisions. */
const PAGES_PER_ENVIRONMENT = 3;

/**
 * GitHub Deployments: one deployment per promote decision, its payload
 * carrying the traffic and any break-glass, its status saying it happened.
 * Deployments made by other tools count too: success is "deployed" at 100 %.
 */
export class GitHubDeploymentHistory implements DeploymentHistory {
  constructor(
    private readonly client: GitHubClient,
    private readonly repository: string,
  ) {}

  get description(): string {
    return `GitHub deployments of ${this.repository}`;
  }

  readonly exclusive = unlocked;

  async read(environments: readonly string[]): Promise<LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    for (const environment of environments) {
      const deployments: GitHubDeployment[] = [];
      let next: string | undefined = `/repos/${this.repository}/deployments?environment=${encodeURIComponent(environment)}&per_page=100`;
      for (let page = 0; next && page < PAGES_PER_ENVIRONMENT; page += 1) {
        const response: { data: GitHubDeployment[]; next: string | undefined } = await this.client.request<GitHubDeployment[]>("GET", next);
        deployments.push(...response.data);
        next = response.next;
      }
      for (const deployment of deployments) {
        const { data: statuses } = await this.client.request<GitHubStatus[]>(
          "GET",
          `/repos/${this.repository}/deployments/${deployment.id}/statuses?per_page=100`,
        );
        const succeeded = statuses.filter((status) => status.state === "success").sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at))[0];
        const latest = [...statuses].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at))[0];
        const ours = typeof deployment.payload === "object" ? deployment.payload?.["release-gates"] : undefined;
        if (succeeded) {
          entries.push({
            time: succeeded.created_at,
            commit: deployment.sha,
            environment,
            event: ours?.event ?? "deployed",
            traffic: ours?.traffic ?? 100,
            ...(ours?.bypass ? { bypass: ours.bypass } : {}),
          });
        }
        if (latest && (latest.state === "failure" || latest.state === "error"))
          entries.push({ time: latest.created_at, commit: deployment.sha, environment, event: "failed", traffic: ours?.traffic ?? 100 });
      }
    }
    return entries;
  }

  async record(entry: LedgerEntry): Promise<void> {
    const { data } = await this.client.request<{ id: number }>("POST", `/repos/${this.repository}/deployments`, {
      ref: entry.commit,
      environment: entry.environment,
      auto_merge: false,
      required_contexts: [],
      description: (entry.note ?? `release-gates: ${entry.event}`).slice(0, 140),
      payload: { "release-gates": { event: entry.event, traffic: entry.traffic, ...(entry.bypass ? { bypass: entry.bypass } : {}) } },
    });
    await this.client.request("POST", `/repos/${this.repository}/deployments/${data.id}/statuses`, {
      state: "success",
      description: `${entry.event === "deployed" ? `deployed at ${entry.traffic} %` : "rolled back"} by release-gates`.slice(0, 140),
      auto_inactive: entry.traffic === 100,
    });
  }
}

interface GitLabDeployment {
  id: number;
  sha: string;
  status: "created" | "running" | "success" | "failed" | "canceled" | "blocked" | "skipped";
  created_at: string;
  updated_at: string;
  environment: { name: string };
}

/**
 * GitLab deployments. GitLab keeps no free-form data with a deployment, so a
 * deployment reads as 100 % of the traffic: progressive rollout steps need
 * the ledger (keep it as a cached artifact) alongside.
 */
export class GitLabDeploymentHistory implements DeploymentHistory {
  constructor(
    private readonly client: GitLabClient,
    private readonly projectId: string,
    private readonly ref: string,
  ) {}

  get description(): string {
    return `GitLab deployments of project ${this.projectId}`;
  }

  readonly exclusive = unlocked;

  async read(environments: readonly string[]): Promise<LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    const project = encodeURIComponent(this.projectId);
    for (const environment of environments) {
      const deployments = await this.client.paginate<GitLabDeployment>(
        `/projects/${project}/deployments?environment=${encodeURIComponent(environment)}&order_by=created_at&sort=desc`,
      );
      for (const deployment of deployments) {
        if (deployment.status === "success")
          entries.push({ time: deployment.updated_at, commit: deployment.sha, environment, event: "deployed", traffic: 100 });
        else if (deployment.status === "failed")
          entries.push({ time: deployment.updated_at, commit: deployment.sha, environment, event: "failed", traffic: 100 });
      }
    }
    return entries;
  }

  async record(entry: LedgerEntry): Promise<void> {
    await this.client.request("POST", `/projects/${encodeURIComponent(this.projectId)}/deployments`, {
      environment: entry.environment,
      sha: entry.commit,
      ref: this.ref,
      tag: false,
      status: entry.event === "deployed" ? "success" : "canceled",
    });
  }
}
