/** Version of every release-gates package; they are released together. */
export const TOOL_VERSION = "1.0.0";
export const TOOL_NAME = "release-gates";
