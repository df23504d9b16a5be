/**
 * @release-gates/core/frontends: the files generated from the gate
 * descriptors (`npm run generate`): each gate's action.yml, its GitLab
 * component, and the README's input tables. A test fails when a committed
 * copy is out of date.
 */
import { GATES } from "../gates.js";
import type { AnyGateDescriptor } from "../kit/descriptor.js";
import { type CommandView, gateView } from "../kit/view.js";
import { promoteView } from "../promote/command.js";
import { renderActionYml } from "./action-yml.js";
import { renderGitLabTemplate } from "./gitlab-template.js";

export { actionMain, renderActionYml } from "./action-yml.js";
export { DEFAULT_CLI_PACKAGE, renderGitLabTemplate } from "./gitlab-template.js";
export { PINNED_ACTIONS } from "./pins.js";
export { renderInputTable, updateReadme } from "./readme.js";

/** Every command with an action and a component: each gate of the registry, and promote. */
export function commandViews(gates: readonly AnyGateDescriptor[] = GATES as readonly AnyGateDescriptor[]): CommandView[] {
  return [...gates.map(gateView), promoteView];
}

/** Every generated file, by its path in the repository. */
export function generatedFiles(views: readonly CommandView[] = commandViews()): { path: string; content: string }[] {
  return views.flatMap((view) => [
    { path: `actions/${view.name}/action.yml`, content: renderActionYml(view) },
    { path: `gitlab/templates/${view.name}.yml`, content: renderGitLabTemplate(view) },
  ]);
}
