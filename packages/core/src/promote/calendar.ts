import { ConfigurationError, quoted } from "../errors.js";
import type { CalendarWindow } from "../policy/schema.js";

const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

interface WallClock {
  date: string;
  weekday: (typeof WEEKDAYS)[number];
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock date, weekday and minute of the day of `time` in `timezone`. */
export function wallClock(time: Date, timezone: string): WallClock {
  let format = formatters.get(timezone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat("en-US", {
        timeZone: timezone,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        weekday: "short",
        hourCycle: "h23",
      });
    } catch {
      throw new ConfigurationError(`expected an IANA time zone such as Europe/Berlin, found ${quoted(timezone)}`, "freeze.timezone");
    }
    formatters.set(timezone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(time).map((part) => [part.type, part.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: (parts.weekday ?? "").toLowerCase().slice(0, 3) as WallClock["weekday"],
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

const minutesOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3));

/** Whether `time` falls inside the window, read in the window's own time zone. */
export function inWindow(time: Date, window: CalendarWindow): boolean {
  const clock = wallClock(time, window.timezone);
  if (window.days && !window.days.includes(clock.weekday)) return false;
  if (window.from && clock.date < window.from) return false;
  if (window.to && clock.date > window.to) return false;
  return clock.minutes >= minutesOf(window.start) && clock.minutes < minutesOf(window.end);
}

export interface FreezeRules {
  deny: readonly CalendarWindow[];
  allow?: readonly CalendarWindow[];
}

/** The rule that closes `time`, or undefined when promotions are open. */
export function closingRule(time: Date, rules: FreezeRules): string | undefined {
  const denied = rules.deny.find((window) => inWindow(time, window));
  if (denied) return denied.reason ?? describeWindow(denied);
  if (rules.allow && !rules.allow.some((window) => inWindow(time, window)))
    return `outside the allowed windows (${rules.allow.map(describeWindow).join("; ")})`;
  return undefined;
}

export function describeWindow(window: CalendarWindow): string {
  const days = window.days ? window.days.join(", ") : window.from || window.to ? `${window.from ?? "…"} to ${window.to ?? "…"}` : "every day";
  const hours = window.start === "00:00" && window.end === "24:00" ? "" : ` ${window.start}–${window.end}`;
  return `${days}${hours} (${window.timezone})`;
}

/** Minute steps are exact for every rule's boundaries (rules are written in whole minutes). */
const STEP_MS = 60_000;
const HORIZON_MS = 400 * 86_400_000;

/**
 * The first minute at or after `time` when promotions are open, searched
 * a year ahead, or undefined when the rules never open.
 */
export function nextOpening(time: Date, rules: FreezeRules): Date | undefined {
  // Step by 15 minutes until open, then back up to the exact minute.
  const start = Math.ceil(time.getTime() / STEP_MS) * STEP_MS;
  for (let at = start; at < start + HORIZON_MS; at += 15 * STEP_MS) {
    if (closingRule(new Date(at), rules) === undefined) {
      let exact = at;
      while (exact - STEP_MS >= start && closingRule(new Date(exact - STEP_MS), rules) === undefined) exact -= STEP_MS;
      return new Date(exact);
    }
  }
  return undefined;
}
