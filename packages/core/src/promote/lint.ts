import { parseDuration } from "../durations.js";
import { ConfigurationError, quoted } from "../errors.js";
import { GATES, type Policy } from "../gates.js";
import { wallClock } from "./calendar.js";

export interface PolicyProblem {
  path: string;
  sentence: string;
}

/**
 * Checks the environment chain before anything is decided: duplicate or
 * unknown environments, soak cycles, rollout steps that never reach 100 %,
 * unknown gates, bad durations and time zones. Every problem names its key path.
 */
export function lintPolicy(policy: Policy): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const names = policy.environments.map((environment) => environment.name);
  // The gates that ship (the registry), and a team's own through customGates.
  const gates = new Set<string>([...GATES.map((gate) => gate.id), ...policy.customGates]);
  policy.environments.forEach((environment, index) => {
    const at = `environments[${index}]`;
    if (names.indexOf(environment.name) !== index)
      problems.push({ path: `${at}.name`, sentence: `expected each environment once, found ${quoted(environment.name)} again` });
    environment.requires.forEach((gate, gateIndex) => {
      if (!gates.has(gate)) {
        problems.push({
          path: `${at}.requires[${gateIndex}]`,
          sentence: `expected a known gate (${[...gates].join(", ")}; add your own to customGates), found ${quoted(gate)}`,
        });
      }
    });
    for (const [previous, duration] of Object.entries(environment.after ?? {})) {
      if (!names.includes(previous))
        problems.push({ path: `${at}.after.${previous}`, sentence: `expected an environment of this policy, found ${quoted(previous)}` });
      else if (names.indexOf(previous) >= index) {
        problems.push({
          path: `${at}.after.${previous}`,
          sentence: `expected an environment that comes before ${environment.name}, found ${previous}, which comes after it: ${environment.name} could never be reached`,
        });
      }
      try {
        parseDuration(duration, `${at}.after.${previous}`);
      } catch (error) {
        problems.push({ path: `${at}.after.${previous}`, sentence: (error as ConfigurationError).detail });
      }
    }
    for (const [metricIndex, metric] of (environment.canary?.analysis?.metrics ?? []).entries()) {
      if (!metric.query.includes("{{variant}}")) {
        problems.push({
          path: `${at}.canary.analysis.metrics[${metricIndex}].query`,
          sentence: `expected a {{variant}} placeholder so canary and stable can be told apart, found ${quoted(metric.query)}`,
        });
      }
    }
    const steps = environment.rollout?.steps;
    if (steps && (steps.some((step, stepIndex) => stepIndex > 0 && step <= (steps[stepIndex - 1] as number)) || steps.at(-1) !== 100)) {
      problems.push({ path: `${at}.rollout.steps`, sentence: `expected traffic percentages rising to 100, found [${steps.join(", ")}]` });
    }
    if (environment.rollbackTo !== undefined && !names.includes(environment.rollbackTo)) {
      problems.push({ path: `${at}.rollbackTo`, sentence: `expected an environment of this policy, found ${quoted(environment.rollbackTo)}` });
    }
    for (const [kind, windows] of Object.entries({ deny: environment.freeze?.deny ?? [], allow: environment.freeze?.allow ?? [] })) {
      windows.forEach((window, windowIndex) => {
        try {
          wallClock(new Date(0), window.timezone);
        } catch (error) {
          problems.push({ path: `${at}.freeze.${kind}[${windowIndex}].timezone`, sentence: (error as ConfigurationError).detail });
        }
        if (window.start >= window.end)
          problems.push({ path: `${at}.freeze.${kind}[${windowIndex}]`, sentence: `expected start before end, found ${window.start}–${window.end}` });
        if (window.from && window.to && window.from > window.to)
          problems.push({
            path: `${at}.freeze.${kind}[${windowIndex}]`,
            sentence: `expected from on or before to, found ${window.from} after ${window.to}: the window would never be open`,
          });
      });
    }
  });
  return problems;
}

/** Throws the first problem as a configuration error (counting the others), or returns the policy. */
export function assertPolicyValid(policy: Policy, source = "release-gates.yml"): Policy {
  const [first, ...rest] = lintPolicy(policy);
  if (first)
    throw new ConfigurationError(
      `${first.path}: ${first.sentence}${rest.length ? ` (and ${rest.length} more problem${rest.length > 1 ? "s" : ""})` : ""}`,
      source,
    );
  return policy;
}
