import { Document } from "yaml";
import type { GateOption } from "../kit/descriptor.js";
import { actionDefaultOf } from "../kit/options.js";
import type { CommandView } from "../kit/view.js";
import { generatedHeader } from "./header.js";

/** Where an action's bundle sits relative to its action.yml, in the source tree and in the release tree alike. */
export const actionMain = (view: Pick<CommandView, "name">): string => `../lib/${view.name}.mjs`;

function inputDescription(option: GateOption): string {
  // A default that action.yml shows itself need not be repeated.
  if (!option.shownDefault || actionDefaultOf(option) !== undefined) return option.description;
  return `${option.description} Default: ${option.shownDefault.replace(/`/g, "")}.`;
}

/** The action.yml: every input the options declare, every output, the node24 bundle. */
export function renderActionYml(view: CommandView): string {
  const inputs: Record<string, Record<string, string | boolean>> = {};
  for (const option of view.options("action")) {
    inputs[option.name] = {
      description: inputDescription(option),
      required: false,
      ...(actionDefaultOf(option) === undefined ? {} : { default: actionDefaultOf(option) }),
    };
  }
  const doc = new Document({
    name: `release-gates ${view.title.toLowerCase()}`,
    description: view.description,
    author: "release-gates",
    branding: { icon: view.icon, color: "green" },
    inputs,
    outputs: Object.fromEntries(view.actionOutputs.map(({ name, description }) => [name, { description }])),
    runs: { using: "node24", main: actionMain(view) },
  });
  doc.commentBefore = generatedHeader(view);
  return doc.toString({ lineWidth: 0 });
}
