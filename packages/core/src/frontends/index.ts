/**
 * @release-gates/core/frontends: the files generated from the gate
 * descriptors (`npm run generate`): each gate's action.yml, its GitLab
 * component, and the README's input tables. A test fails when a committed
 * copy is out of date.
 */
import { GATES } from "../gates.js";
import type { AnyGateDescriptor } from "../kit/descriptor.js";
import { renderActionYml } from "./action-yml.js";
import { renderGitLabTemplate } from "./gitlab-template.js";

export { actionMain, renderActionYml } from "./action-yml.js";
export { DEFAULT_CLI_PACKAGE, renderGitLabTemplate } from "./gitlab-template.js";
export { renderInputTable, updateReadme } from "./readme.js";

/** Every generated file, by its path in the repository. */
export function generatedFiles(gates: readonly AnyGateDescriptor[] = GATES as readonly AnyGateDescriptor[]): { path: string; content: string }[] {
  return gates.flatMap((gate) => [
    { path: `actions/${gate.name}/action.yml`, content: renderActionYml(gate) },
    { path: `gitlab/templates/${gate.name}.yml`, content: renderGitLabTemplate(gate) },
  ]);
}
