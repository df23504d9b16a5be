import * as z from "zod";
import { ConfigurationError } from "./errors.js";

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** No soak, watch or age is longer than this; a longer one is a typo, and dates computed from it would not exist. */
const MAX_DURATION_MS = 100 * 365 * UNIT_MS.d;

function durationMs(text: string): number | undefined {
  const match = /^(\d{1,15})(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return ms <= MAX_DURATION_MS ? ms : undefined;
}

/** `30m`, `24h`, `14d`, `2w`: how the policy writes soak times, watch windows and maximum ages (up to 100 years). */
export const Duration = z
  .string()
  .regex(/^\d{1,15}(ms|s|m|h|d|w)$/, "a duration such as 30m, 24h or 14d")
  .refine((text) => durationMs(text) !== undefined, "a duration of at most 100 years");

/** `30m`, `24h`, `14d`, `2w` in milliseconds. */
export function parseDuration(text: string, where: string): number {
  const ms = durationMs(text);
  if (ms === undefined)
    throw new ConfigurationError(
      `expected a duration such as 30m, 24h or 14d (units ms, s, m, h, d, w), at most 100 years, found ${JSON.stringify(text.slice(0, 40))}`,
      where,
    );
  return ms;
}

/** Whether `YYYY-MM-DD` names a day that exists (2026-02-30 and 9999-99-99 do not). */
export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A day as YAML files write it (`2027-03-31`), one that exists. */
export const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "a date such as 2027-03-31")
  .refine(isCalendarDate, "a date that exists, such as 2027-03-31");

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

/** An instant as every message and output shows it: ISO 8601 in UTC to the second ("2026-12-07T09:00:00Z"). */
export function formatInstant(value: string | number | Date): string {
  const ms = value instanceof Date ? value.getTime() : typeof value === "number" ? value : Date.parse(value);
  return Number.isNaN(ms) ? String(value) : new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
