import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { FrontEnd, GateDescriptor, GateRenderers, GateReport } from "@release-gates/core";

/** Writes a text file, creating its directory. */
export async function writeOutputFile(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

export async function writeReportFile(path: string, report: GateReport): Promise<void> {
  await writeOutputFile(path, `${JSON.stringify(report, null, 2)}\n`);
}

/**
 * Writes the documents the options ask for (Cobertura, SARIF, VEX, GitLab's
 * reports), each resolved against `base`, and returns the paths written by
 * option. A document with nothing to say for this run (a part that did not run) is not written.
 */
export async function writeGateDocuments<E>(
  descriptor: Pick<GateDescriptor, "documents">,
  renderers: GateRenderers<E>,
  result: { report: GateReport } & E,
  values: Record<string, unknown>,
  frontEnd: FrontEnd,
  base: string,
): Promise<Record<string, string>> {
  const written: Record<string, string> = {};
  for (const document of descriptor.documents) {
    const target = values[document.option];
    const render = renderers.documents?.[document.option];
    if (typeof target !== "string" || !render || !document.frontEnds.includes(frontEnd)) continue;
    const text = render(result.report, result);
    if (text === undefined) continue;
    const path = resolve(base, target);
    await writeOutputFile(path, text);
    written[document.option] = path;
  }
  return written;
}
