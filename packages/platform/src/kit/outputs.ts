import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { FrontEnd, GateDescriptor, GateRenderers, GateReport } from "@release-gates/core";

/**
 * Writes a text file, creating its directory. The text goes to a temporary
 * file beside it first and is renamed into place, so a full disk leaves the
 * previous file or none, never half a report that a later step would trust.
 */
export async function writeOutputFile(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const partial = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  try {
    await writeFile(partial, text);
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true }).catch(() => undefined);
    // Named by the file the user asked for, not the temporary one.
    throw Object.assign(error as Error, { path });
  }
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
