import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const fixturePath = (relative: string): string => fileURLToPath(new URL(`./fixtures/${relative}`, import.meta.url));
export const fixture = (relative: string): string => readFileSync(fixturePath(relative), "utf8");
