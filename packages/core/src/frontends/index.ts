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
import { TOOL_REPOSITORY } from "../version.js";
import { renderActionYml } from "./action-yml.js";
import { renderComposedGitLabTemplate, renderReusableWorkflow } from "./composed.js";
import { renderGitLabTemplate } from "./gitlab-template.js";

export { actionMain, renderActionYml } from "./action-yml.js";
export { renderComposedGitLabTemplate, renderReusableWorkflow } from "./composed.js";
export { DEFAULT_CLI_PACKAGE, renderGitLabTemplate } from "./gitlab-template.js";
export { PINNED_ACTIONS } from "./pins.js";
export { renderInputTable, updateReadme } from "./readme.js";

/** Every command with an action and a component: each gate of the registry, and promote. */
export function commandViews(gates: readonly AnyGateDescriptor[] = GATES as readonly AnyGateDescriptor[]): CommandView[] {
  return [...gates.map(gateView), promoteView];
}

/** Every generated file, by its path in the repository: each command's action and component, and the composed pipelines. */
export function generatedFiles(gates: readonly AnyGateDescriptor[] = GATES as readonly AnyGateDescriptor[]): { path: string; content: string }[] {
  return [
    ...commandViews(gates).flatMap((view) => [
      { path: `actions/${view.name}/action.yml`, content: renderActionYml(view) },
      { path: `gitlab/templates/${view.name}.yml`, content: renderGitLabTemplate(view) },
    ]),
    { path: ".github/workflows/release-gates.yml", content: renderReusableWorkflow(gates, TOOL_REPOSITORY) },
    { path: "gitlab/templates/release-gates.yml", content: renderComposedGitLabTemplate(gates) },
  ];
}
