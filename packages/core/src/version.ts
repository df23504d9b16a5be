/** Version of every release-gates package; they are released together. */
export const TOOL_VERSION = "1.0.0";
export const TOOL_NAME = "release-gates";
/** Where the actions and the reusable workflow live on GitHub (owner/name), as package.json's repository says. */
export const TOOL_REPOSITORY = "acme/release-gates";
