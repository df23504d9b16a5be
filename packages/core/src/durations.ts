import * as z from "zod";
import { ConfigurationError } from "./errors.js";

/** `30m`, `24h`, `14d`, `2w`: how the policy writes soak times, watch windows and maximum ages. */
export const Duration = z.string().regex(/^\d+(ms|s|m|h|d|w)$/, "a duration such as 30m, 24h or 14d");

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `30m`, `24h`, `14d`, `2w` in milliseconds. */
export function parseDuration(text: string, where: string): number {
  const match = /^(\d+)(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!match) throw new ConfigurationError(`expected a duration such as 30m, 24h or 14d (units ms, s, m, h, d, w), found ${JSON.stringify(text)}`, where);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** A duration for sentences: `14d`, `1d 6h`, `45m`. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return "0m";
  const parts: string[] = [];
  let rest = Math.ceil(ms / 60_000) * 60_000;
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.slice(0, 2).join(" ");
}
