import { describe, expect, it } from "vitest";
import { checkDocument, documentOwner, markdownAnchors, markdownHeadings, reviewedDate } from "../../src/observability/docs.js";
import { ObservabilitySettings } from "../../src/observability/settings.js";

const settings = ObservabilitySettings.parse({}).docs;
const DAY = 86_400_000;
const NOW = Date.parse("2026-11-29T12:00:00Z");

const RUNBOOK = `---
owner: "@acme/payments-oncall"
---
# Payments runbook

## Detection
Alerts page the on-call.

## Mitigation
Roll back.

\`\`\`
# not a heading
\`\`\`

Escalation
----------
Call the lead.
`;

describe("Markdown", () => {
  it("headings, ATX and setext, not inside code fences", () => {
    expect(markdownHeadings(RUNBOOK).map((heading) => [heading.level, heading.text, heading.line])).toEqual([
      [1, "Payments runbook", 4],
      [2, "Detection", 6],
      [2, "Mitigation", 9],
      [2, "Escalation", 16],
    ]);
  });

  it("anchors as GitHub and GitLab make them, repeats numbered, explicit ids kept", () => {
    const anchors = markdownAnchors('## High error rate (5xx)\n## High error rate (5xx)\n## `api` latency -- p99 {#latency}\n<a name="legacy"></a>\n');
    expect([...anchors].sort()).toEqual(["api-latency----p99", "api-latency-p99", "high-error-rate-5xx", "high-error-rate-5xx-1", "latency", "legacy"].sort());
  });

  it("owners and review dates, from front matter or a line", () => {
    expect(documentOwner(RUNBOOK)).toBe("@acme/payments-oncall");
    expect(documentOwner("# Rollback\n\n**Owner:** platform team\n")).toBe("platform team");
    expect(documentOwner("# Plan\n\n## Owners\n\n@sre\n")).toBe("@sre");
    expect(documentOwner("# Plan\n")).toBeUndefined();
    expect(reviewedDate("---\nreviewed: 2026-10-01\n---\n")).toBe("2026-10-01");
    expect(reviewedDate("Last reviewed: 2026-02-30\n")).toBeUndefined();
  });
});

describe("docs checks", () => {
  it("a complete, owned runbook changed after the rules passes", () => {
    const verdict = checkDocument(
      "runbook",
      settings.runbook,
      { path: "docs/runbook.md", text: RUNBOOK, changedMs: NOW - 400 * DAY },
      { changedMs: NOW - 500 * DAY, path: "monitoring/rules.yml" },
      NOW,
    );
    expect(verdict.findings).toEqual([]);
    expect(verdict.fresh).toBe(true);
  });

  it("stale: the rules changed after it, and it is older than maxAge; a reviewed: date makes it fresh again", () => {
    const covered = { changedMs: NOW - 10 * DAY, path: "monitoring/rules.yml" };
    const stale = checkDocument("runbook", settings.runbook, { path: "docs/runbook.md", text: RUNBOOK, changedMs: NOW - 200 * DAY }, covered, NOW);
    expect(stale.findings.map((finding) => finding.id)).toEqual(["runbook-stale"]);
    expect(stale.findings[0]?.message).toMatch(
      /last changed or reviewed 2026-05-13T12:00:00Z, 200d ago; monitoring\/rules\.yml changed after it, on 2026-11-19T12:00:00Z/,
    );
    const reviewed = RUNBOOK.replace('owner: "@acme/payments-oncall"', 'owner: "@acme/payments-oncall"\nreviewed: 2026-11-01');
    expect(checkDocument("runbook", settings.runbook, { path: "docs/runbook.md", text: reviewed, changedMs: NOW - 200 * DAY }, covered, NOW).fresh).toBe(true);
  });

  it("without git history (a shallow clone) and without a reviewed: date, freshness cannot be shown: stale", () => {
    const verdict = checkDocument("runbook", settings.runbook, { path: "RUNBOOK.md", text: RUNBOOK, historyNote: "the clone is shallow" }, undefined, NOW);
    expect(verdict.findings[0]?.message).toMatch(/stale \(the clone is shallow, and with no `reviewed:` date\)/);
  });

  it("missing sections (either name of A|B counts, anywhere in a heading) and no owner", () => {
    const text = "# Rollback steps\n\nRun the pipeline again with the previous tag.\n";
    const verdict = checkDocument("rollback", settings.rollback, { path: "ROLLBACK.md", text, changedMs: NOW }, undefined, NOW);
    expect(verdict.missingSections).toEqual(["Verification|Verify"]);
    expect(verdict.findings.map((finding) => finding.message)).toEqual([
      'the rollback procedure has no "Verification" or "Verify" section',
      'the rollback procedure names no owner: add `owner:` front matter or an "Owner: @team" line',
    ]);
  });

  it("a missing document says where it was looked for and what it needs", () => {
    const verdict = checkDocument("incident", settings.incident, undefined, undefined, NOW);
    expect(verdict.findings[0]?.message).toBe(
      "no incident response plan found at INCIDENT_RESPONSE.md, INCIDENT.md, docs/incident*.md: write one with the sections Severity, Roles, Communication, Escalation, Postmortem and an owner (or set docs.incident.paths)",
    );
  });
});
