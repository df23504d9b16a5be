import { Document } from "yaml";
import type { AnyGateDescriptor, GateOption } from "../kit/descriptor.js";
import { optionsFor } from "../kit/options.js";
import { generatedHeader } from "./header.js";

/** Where an action's bundle sits relative to its action.yml, in the source tree and in the release tree alike. */
export const actionMain = (descriptor: Pick<AnyGateDescriptor, "name">): string => `../lib/${descriptor.name}.mjs`;

function inputDescription(option: GateOption): string {
  // A default that action.yml shows itself need not be repeated.
  if (!option.shownDefault || option.actionDefault !== undefined) return option.description;
  return `${option.description} Default: ${option.shownDefault.replace(/`/g, "")}.`;
}

/** The gate's action.yml: every input its options declare, every output, the node24 bundle. */
export function renderActionYml(descriptor: AnyGateDescriptor): string {
  const inputs: Record<string, Record<string, string | boolean>> = {};
  for (const option of optionsFor(descriptor, "action")) {
    inputs[option.name] = {
      description: inputDescription(option),
      required: false,
      ...(option.actionDefault === undefined ? {} : { default: option.actionDefault }),
    };
  }
  const outputs: Record<string, { description: string }> = { status: { description: "pass, warn or fail" } };
  for (const output of descriptor.outputs) outputs[output.name] = { description: output.description };
  outputs["report-path"] = { description: "Path of the gate report file" };
  for (const document of descriptor.documents) {
    if (document.actionOutput) outputs[document.actionOutput] = { description: `Path of the file written for ${document.option}, when it is set` };
  }
  const doc = new Document({
    name: `release-gates ${descriptor.title.toLowerCase()}`,
    description: descriptor.description,
    author: "release-gates",
    branding: { icon: descriptor.icon, color: "green" },
    inputs,
    outputs,
    runs: { using: "node24", main: actionMain(descriptor) },
  });
  doc.commentBefore = generatedHeader(descriptor);
  return doc.toString({ lineWidth: 0 });
}
