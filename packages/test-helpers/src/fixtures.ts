import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Real inputs from public projects (copied from the shared corpus; each folder's
 * SOURCES.md says where every file comes from), for every package's tests.
 */
export const fixturePath = (relative: string): string => fileURLToPath(new URL(`../fixtures/${relative}`, import.meta.url));
export const fixture = (relative: string): string => readFileSync(fixturePath(relative), "utf8");
