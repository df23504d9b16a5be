import { effectiveStatus } from "../report/build.js";
import type { Check } from "../report/schema.js";

/** A unit after a number, singular for one: "1 point", "3 points". */
function withUnit(value: number, unit: string | undefined): string {
  if (!unit) return String(value);
  if (unit === "%") return `${value} %`;
  return `${value} ${Math.abs(value) === 1 && unit.endsWith("s") ? unit.slice(0, -1) : unit}`;
}

/** What a check measured, as every output shows it. */
export function measuredText(check: Check): string {
  return check.measured === null ? "no data" : typeof check.measured === "number" ? withUnit(check.measured, check.unit) : String(check.measured);
}

/** A check's threshold with one symbol style everywhere (≥, ≤): a minimum for percentages, a maximum otherwise. */
export function thresholdText(check: Check): string {
  if (check.threshold === null) return "";
  if (typeof check.threshold === "string") return check.threshold;
  if (check.unit === "%") return `≥ ${check.threshold} %`;
  if (check.unit === "uncovered") return `≤ ${-check.threshold} uncovered`;
  return `≤ ${withUnit(check.threshold, check.unit)}`;
}

/** PASS, FAIL, WARN, NO DATA (fail). */
export function statusText(check: Check): string {
  return check.status === "no-data" ? `NO DATA (${effectiveStatus(check)})` : check.status.toUpperCase();
}
