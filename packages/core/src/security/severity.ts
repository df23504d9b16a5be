export const SEVERITIES = ["critical", "high", "medium", "low", "unknown"] as const;
export type Severity = (typeof SEVERITIES)[number];

const WEIGHTS = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  CIA: { H: 0.56, L: 0.22, N: 0 },
} as const;

/** Every metric a CVSS vector may carry and the values it allows (base, temporal/threat, environmental, supplemental), per FIRST. */
const CIA = ["N", "L", "H"];
const CVSS3_METRICS: Record<string, readonly string[]> = {
  AV: ["N", "A", "L", "P"],
  AC: ["L", "H"],
  PR: ["N", "L", "H"],
  UI: ["N", "R"],
  S: ["U", "C"],
  C: CIA,
  I: CIA,
  A: CIA,
  E: ["X", "U", "P", "F", "H"],
  RL: ["X", "O", "T", "W", "U"],
  RC: ["X", "U", "R", "C"],
  CR: ["X", "L", "M", "H"],
  IR: ["X", "L", "M", "H"],
  AR: ["X", "L", "M", "H"],
  MAV: ["X", "N", "A", "L", "P"],
  MAC: ["X", "L", "H"],
  MPR: ["X", "N", "L", "H"],
  MUI: ["X", "N", "R"],
  MS: ["X", "U", "C"],
  MC: ["X", ...CIA],
  MI: ["X", ...CIA],
  MA: ["X", ...CIA],
};
const CVSS4_METRICS: Record<string, readonly string[]> = {
  AV: ["N", "A", "L", "P"],
  AC: ["L", "H"],
  AT: ["N", "P"],
  PR: ["N", "L", "H"],
  UI: ["N", "P", "A"],
  VC: ["H", "L", "N"],
  VI: ["H", "L", "N"],
  VA: ["H", "L", "N"],
  SC: ["H", "L", "N"],
  SI: ["H", "L", "N"],
  SA: ["H", "L", "N"],
  E: ["X", "A", "P", "U"],
  CR: ["X", "H", "M", "L"],
  IR: ["X", "H", "M", "L"],
  AR: ["X", "H", "M", "L"],
  MAV: ["X", "N", "A", "L", "P"],
  MAC: ["X", "L", "H"],
  MAT: ["X", "N", "P"],
  MPR: ["X", "N", "L", "H"],
  MUI: ["X", "N", "P", "A"],
  MVC: ["X", "H", "L", "N"],
  MVI: ["X", "H", "L", "N"],
  MVA: ["X", "H", "L", "N"],
  MSC: ["X", "H", "L", "N"],
  MSI: ["X", "S", "H", "L", "N"],
  MSA: ["X", "S", "H", "L", "N"],
  S: ["X", "N", "P"],
  AU: ["X", "N", "Y"],
  R: ["X", "A", "U", "I"],
  V: ["X", "D", "C"],
  RE: ["X", "L", "M", "H"],
  U: ["X", "Clear", "Green", "Amber", "Red"],
};
const CVSS3_BASE = ["AV", "AC", "PR", "UI", "S", "C", "I", "A"];
const CVSS4_BASE = ["AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"];

/**
 * Why a CVSS 3.x or 4.0 vector cannot be scored, or undefined when it can:
 * a metric given twice (which one would count?), one the specification does
 * not define, a value it does not allow, a base metric missing.
 */
export function cvssVectorProblem(vector: string): string | undefined {
  const match = /^CVSS:(3\.[01]|4\.0)\/(.*)$/.exec(vector);
  if (!match) return "it is not a CVSS 3.0, 3.1 or 4.0 vector";
  const [metrics, base] = match[1] === "4.0" ? [CVSS4_METRICS, CVSS4_BASE] : [CVSS3_METRICS, CVSS3_BASE];
  const seen = new Set<string>();
  for (const part of (match[2] as string).split("/")) {
    const [metric = "", value, extra] = part.split(":");
    if (value === undefined || extra !== undefined) return `${JSON.stringify(part.slice(0, 20))} is not a metric:value pair`;
    // Own keys only: "constructor" is not a metric, whatever Object.prototype says.
    const allowed = Object.hasOwn(metrics, metric) ? metrics[metric] : undefined;
    if (!allowed) return `${JSON.stringify(metric.slice(0, 20))} is not a CVSS ${match[1]} metric`;
    if (seen.has(metric)) return `${metric} is given twice`;
    seen.add(metric);
    if (!allowed.includes(value)) return `${metric}:${value.slice(0, 10)} is not a value CVSS ${match[1]} allows`;
  }
  const missing = base.filter((metric) => !seen.has(metric));
  return missing.length > 0 ? `the base metric${missing.length > 1 ? "s" : ""} ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} missing` : undefined;
}

/** CVSS 3.1's Roundup: the smallest one-decimal number ≥ the input, free of floating-point noise. */
function roundUp(value: number): number {
  const integer = Math.round(value * 100000);
  return integer % 10000 === 0 ? integer / 100000 : (Math.floor(integer / 10000) + 1) / 10;
}

/**
 * The CVSS 3.0/3.1 base score of a vector (`CVSS:3.1/AV:N/AC:L/…`), per the
 * FIRST specification, or undefined when the vector is not a complete v3 base vector.
 */
export function cvss3BaseScore(vector: string): number | undefined {
  if (!/^CVSS:3\.[01]\//.test(vector) || cvssVectorProblem(vector)) return undefined;
  const parts = Object.fromEntries(
    vector
      .split("/")
      .slice(1)
      .map((part) => part.split(":") as [string, string]),
  );
  const av = WEIGHTS.AV[parts.AV as keyof typeof WEIGHTS.AV];
  const ac = WEIGHTS.AC[parts.AC as keyof typeof WEIGHTS.AC];
  const ui = WEIGHTS.UI[parts.UI as keyof typeof WEIGHTS.UI];
  const scope = parts.S;
  const pr = { N: 0.85, L: scope === "C" ? 0.68 : 0.62, H: scope === "C" ? 0.5 : 0.27 }[parts.PR as "N" | "L" | "H"];
  const [c, i, a] = [parts.C, parts.I, parts.A].map((value) => WEIGHTS.CIA[value as keyof typeof WEIGHTS.CIA]);
  if ([av, ac, ui, pr, c, i, a].some((weight) => weight === undefined) || (scope !== "U" && scope !== "C")) return undefined;
  const iss = 1 - (1 - (c as number)) * (1 - (i as number)) * (1 - (a as number));
  const impact = scope === "U" ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15;
  const exploitability = 8.22 * (av as number) * (ac as number) * (pr as number) * (ui as number);
  if (impact <= 0) return 0;
  return roundUp(Math.min(scope === "U" ? impact + exploitability : 1.08 * (impact + exploitability), 10));
}

/**
 * ae-cvss-calculator, loaded with the first 4.0 vector to score: 188 KB of
 * startup code (8–10 ms of CPU per security run on Node 24) that most runs do
 * not need, since most advisories give a 3.x vector, which is preferred.
 */
let cvssCalculator: Promise<CvssCalculator> | undefined;
type CvssCalculator = typeof import("ae-cvss-calculator");

/**
 * The CVSS 4.0 base score of a vector (`CVSS:4.0/AV:N/AC:L/AT:N/…`), or
 * undefined when it is not a complete 4.0 base vector. 4.0 scores come
 * from FIRST's table of 270 macrovector scores and an interpolation within
 * each, which ae-cvss-calculator implements.
 */
export async function cvss4BaseScore(vector: string): Promise<number | undefined> {
  if (!/^CVSS:4\.0\//.test(vector) || cvssVectorProblem(vector)) return undefined;
  // A CommonJS package: Node gives its exports as the default export.
  cvssCalculator ??= import("ae-cvss-calculator").then((module) => (module as unknown as { default: CvssCalculator }).default);
  const cvss = await cvssCalculator;
  try {
    const score = new cvss.Cvss4P0(vector).calculateScores().base;
    return typeof score === "number" && Number.isFinite(score) ? score : undefined;
  } catch {
    return undefined;
  }
}

/** The qualitative rating of a CVSS score (critical ≥ 9, high ≥ 7, medium ≥ 4, low > 0). */
export function ratingOf(score: number): Severity {
  if (score >= 9) return "critical";
  if (score >= 7) return "high";
  if (score >= 4) return "medium";
  return score > 0 ? "low" : "unknown";
}

/** GitHub's words (MODERATE) and others' (MEDIUM) mapped onto one scale. */
export function normaliseSeverity(word: string | undefined): Severity {
  switch (word?.toUpperCase()) {
    case "CRITICAL":
      return "critical";
    case "HIGH":
      return "high";
    case "MODERATE":
    case "MEDIUM":
      return "medium";
    case "LOW":
      return "low";
    default:
      return "unknown";
  }
}

/** `a` at least as severe as `b` (unknown ranks with critical: it blocks unless accepted). */
export function atLeast(a: Severity, b: Severity): boolean {
  const rank = { unknown: 4, critical: 4, high: 3, medium: 2, low: 1 } as const;
  return rank[a] >= rank[b];
}
