// The policy read synchronously, with the `yaml` library. Apart from the
// package's main entry so that a program which reads policies with
// `readPolicy` (the actions, the CLI) loads that library only when it needs it.
export { parsePolicy } from "./parse.js";
