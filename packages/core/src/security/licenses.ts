import type { Check, Finding } from "../report/schema.js";
import type { Component } from "./sbom.js";

/** An SPDX license expression: ids (with `+` or `WITH` an exception) combined by AND and OR. */
export type LicenseExpression = { license: string } | { and: LicenseExpression[] } | { or: LicenseExpression[] };

const TOKEN = /\s*(\(|\)|[A-Za-z0-9][A-Za-z0-9.:-]*\+?)/y;

/**
 * Parses an SPDX expression (`MIT`, `(MIT OR Apache-2.0)`, `GPL-2.0+ WITH
 * Classpath-exception-2.0 AND BSD-3-Clause`); AND binds tighter than OR. A
 * `WITH` exception keeps the license it modifies. Returns undefined for text
 * that is not an expression (`MIT/X11`, `BSD style`): an unknown license.
 */
export function parseLicenseExpression(text: string): LicenseExpression | undefined {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  const source = text.trim();
  while (TOKEN.lastIndex < source.length) {
    const match = TOKEN.exec(source);
    if (!match) return undefined;
    tokens.push(match[1] as string);
  }
  let position = 0;
  const keyword = (word: string) => tokens[position]?.toUpperCase() === word;
  const primary = (): LicenseExpression | undefined => {
    if (tokens[position] === "(") {
      position += 1;
      const inner = disjunction();
      if (tokens[position] !== ")") return undefined;
      position += 1;
      return inner;
    }
    const id = tokens[position];
    if (!id || id === ")" || keyword("AND") || keyword("OR") || keyword("WITH")) return undefined;
    position += 1;
    if (keyword("WITH")) {
      position += 1;
      const exception = tokens[position];
      if (!exception || exception === "(" || exception === ")") return undefined;
      position += 1;
    }
    return { license: id.replace(/\+$/, "") };
  };
  const conjunction = (): LicenseExpression | undefined => {
    const parts = [primary()];
    while (keyword("AND")) {
      position += 1;
      parts.push(primary());
    }
    if (parts.some((part) => part === undefined)) return undefined;
    return parts.length === 1 ? parts[0] : { and: parts as LicenseExpression[] };
  };
  const disjunction = (): LicenseExpression | undefined => {
    const parts = [conjunction()];
    while (keyword("OR")) {
      position += 1;
      parts.push(conjunction());
    }
    if (parts.some((part) => part === undefined)) return undefined;
    return parts.length === 1 ? parts[0] : { or: parts as LicenseExpression[] };
  };
  const expression = disjunction();
  return expression && position === tokens.length ? expression : undefined;
}

export interface LicensePolicy {
  /** When given, only these licenses are allowed. */
  allow?: readonly string[];
  deny: readonly string[];
}

/** Whether some choice the expression offers satisfies the policy (`MIT OR GPL-3.0` is fine when GPL-3.0 is denied). */
export function licenseAllowed(expression: LicenseExpression, policy: LicensePolicy): boolean {
  if ("or" in expression) return expression.or.some((part) => licenseAllowed(part, policy));
  if ("and" in expression) return expression.and.every((part) => licenseAllowed(part, policy));
  const id = expression.license.toLowerCase();
  if (policy.deny.some((denied) => denied.toLowerCase() === id)) return false;
  return policy.allow === undefined || policy.allow.some((allowed) => allowed.toLowerCase() === id);
}

export interface LicenseEvaluation {
  checks: Check[];
  findings: Finding[];
  details: { checked: number; denied: number; unknown: number };
}

/**
 * Checks every component's declared licenses (all of them apply) against
 * the allow and deny lists. A component without a license, or with text
 * that is no SPDX expression, is unknown: a warning by default.
 */
export function evaluateLicenses(
  components: readonly Component[],
  policy: LicensePolicy & { onUnknown: "fail" | "warn" },
  scopes: readonly ("runtime" | "development")[],
  source: string,
): LicenseEvaluation {
  const findings: Finding[] = [];
  let denied = 0;
  let unknown = 0;
  const inScope = components.filter((component) => scopes.includes(component.development ? "development" : "runtime"));
  for (const component of inScope) {
    const name = component.version ? `${component.name}@${component.version}` : component.name;
    const parsed = component.licenses.map(parseLicenseExpression);
    if (parsed.length === 0 || parsed.some((expression) => expression === undefined)) {
      unknown += 1;
      findings.push({
        id: "license-unknown",
        severity: policy.onUnknown === "fail" ? "error" : "warning",
        message: `${name} declares ${component.licenses.length === 0 ? "no license" : `"${component.licenses.join(", ")}", which is not an SPDX expression`}: check it by hand.`,
        location: { path: source },
        properties: { package: component.name, version: component.version, licenses: component.licenses },
      });
    } else if (!parsed.every((expression) => licenseAllowed(expression as LicenseExpression, policy))) {
      denied += 1;
      findings.push({
        id: "license-denied",
        severity: "error",
        message: `${name} is licensed ${component.licenses.join(" AND ")}, which the policy does not allow${policy.deny.length > 0 ? ` (denied: ${policy.deny.join(", ")})` : ""}${policy.allow ? ` (allowed: ${policy.allow.join(", ")})` : ""}.`,
        location: { path: source },
        properties: { package: component.name, version: component.version, licenses: component.licenses },
      });
    }
  }
  const checks: Check[] = [
    {
      id: "licenses.denied",
      status: denied === 0 ? "pass" : "fail",
      measured: denied,
      threshold: 0,
      message:
        denied === 0
          ? `Every license of ${inScope.length} packages is allowed.`
          : `${denied} ${denied === 1 ? "package has" : "packages have"} a license the policy does not allow.`,
    },
    {
      id: "licenses.unknown",
      status: unknown === 0 ? "pass" : policy.onUnknown,
      measured: unknown,
      threshold: 0,
      message:
        unknown === 0
          ? "Every package declares an SPDX license expression."
          : `${unknown} ${unknown === 1 ? "package declares" : "packages declare"} no license or one that is no SPDX expression.`,
    },
  ];
  return { checks, findings, details: { checked: inScope.length, denied, unknown } };
}
