import { GATES } from "../gates.js";
import type { AnyGateDescriptor } from "../kit/descriptor.js";
import { actionDefaultOf, optionChoices } from "../kit/options.js";
import { gateView } from "../kit/view.js";

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The action's inputs as a Markdown table, and its outputs in one line. */
export function renderInputTable(descriptor: AnyGateDescriptor): string {
  const view = gateView(descriptor);
  const rows = view.options("action").map((option) => {
    const choices = optionChoices(option, descriptor.settings);
    const meaning = `${option.description}${choices ? ` One of ${choices.map((choice) => `\`${choice}\``).join(", ")}.` : ""}`;
    const fallback = option.shownDefault ?? (actionDefaultOf(option) ? `\`${actionDefaultOf(option)}\`` : "—");
    return `| \`${option.name}\` | ${cell(fallback)} | ${cell(meaning)} |`;
  });
  const outputs = view.actionOutputs.map((output) => output.name);
  return ["| input | default | meaning |", "| --- | --- | --- |", ...rows, "", `Outputs: ${outputs.map((name) => `\`${name}\``).join(", ")}.`].join("\n");
}

const markers = (descriptor: AnyGateDescriptor) => ({
  start: `<!-- generated: ${descriptor.name} inputs (npm run generate) -->`,
  end: `<!-- end generated: ${descriptor.name} inputs -->`,
});

/** The README with every gate's generated region replaced; a gate without its markers is an error the contract test reports. */
export function updateReadme(readme: string, gates: readonly AnyGateDescriptor[] = GATES as readonly AnyGateDescriptor[]): string {
  let text = readme;
  for (const gate of gates) {
    const { start, end } = markers(gate);
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from < 0 || to < from) throw new Error(`README.md has no region for ${gate.name}'s inputs: add the lines ${start} and ${end}`);
    text = `${text.slice(0, from + start.length)}\n\n${renderInputTable(gate)}\n\n${text.slice(to)}`;
  }
  return text;
}
