import { parse } from "yaml";

/** A pinned reference: 40 hex digits, then a comment naming the version it stands for. */
const PINNED = /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/;
/** Our own actions and reusable workflow, referenced at a release tag (tags are never moved once made: see RELEASING.md). */
const OWN_RELEASE = /^[\w.-]+\/release-gates\/[\w./-]+@v\d+\.\d+\.\d+$/;
/** Permissions that only read. */
const READ_ONLY = new Set(["read", "none"]);

interface Job {
  permissions?: unknown;
  uses?: string;
  steps?: { uses?: string; with?: Record<string, unknown> }[];
}

function writes(permissions: unknown): string[] {
  if (permissions === undefined || permissions === null) return [];
  if (typeof permissions === "string") return permissions === "read-all" ? [] : [permissions];
  return Object.entries(permissions as Record<string, string>)
    .filter(([, level]) => !READ_ONLY.has(level))
    .map(([scope, level]) => `${scope}: ${level}`);
}

/**
 * What OpenSSF Scorecard (Token-Permissions, Pinned-Dependencies,
 * Dangerous-Workflow) and zizmor's artipacked check would flag in one
 * workflow file, as sentences; none means the file passes.
 * - the workflow's own permissions only read; writes are granted per job;
 * - every action and reusable workflow from elsewhere is pinned by commit
 *   SHA with a `# vX.Y.Z` comment (ours: at a release tag);
 * - no `pull_request_target` (it runs with secrets on code from forks);
 * - checkout does not leave the token in `.git/config` unless the job pushes.
 */
export function supplyChainProblems(text: string, path: string): string[] {
  const problems: string[] = [];
  const workflow = parse(text) as { on?: unknown; permissions?: unknown; jobs?: Record<string, Job> };
  if (workflow.permissions === undefined) problems.push(`${path}: no top-level permissions (the token would get the repository's defaults)`);
  for (const scope of writes(workflow.permissions)) problems.push(`${path}: the workflow grants ${scope} to every job; grant it to the job that needs it`);
  const triggers = typeof workflow.on === "string" ? [workflow.on] : Array.isArray(workflow.on) ? workflow.on : Object.keys(workflow.on ?? {});
  if (triggers.includes("pull_request_target")) problems.push(`${path}: pull_request_target runs with secrets on code from forks`);

  text.split("\n").forEach((line, index) => {
    const match = /^\s*(?:-\s+)?uses:\s*["']?([^"'\s#]+)["']?\s*(#\s*(\S+))?/.exec(line);
    if (!match) return;
    const [, reference = "", comment, version] = match;
    if (reference.startsWith("./") || reference.startsWith("docker://")) return;
    if (OWN_RELEASE.test(reference)) return;
    if (!PINNED.test(reference)) problems.push(`${path}:${index + 1}: ${reference} is not pinned by commit SHA`);
    else if (!comment || !/^v?\d+(\.\d+)*$/.test(version ?? ""))
      problems.push(`${path}:${index + 1}: ${reference} has no "# vX.Y.Z" comment naming its version`);
  });

  for (const [name, job] of Object.entries(workflow.jobs ?? {})) {
    const pushes = writes(job.permissions).includes("contents: write");
    for (const step of job.steps ?? []) {
      if (!step.uses?.startsWith("actions/checkout@")) continue;
      if (!pushes && step.with?.["persist-credentials"] !== false)
        problems.push(`${path}: job ${name} checks out with persist-credentials left on; set it to false (the job does not push)`);
    }
  }
  return problems;
}
