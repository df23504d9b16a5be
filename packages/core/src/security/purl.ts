import { ConfigurationError } from "../errors.js";

export interface PackageUrl {
  type: string;
  namespace: string | undefined;
  name: string;
  version: string | undefined;
  subpath: string | undefined;
}

/** purl type → OSV ecosystem name. */
const ECOSYSTEMS: Record<string, string> = {
  npm: "npm",
  pypi: "PyPI",
  maven: "Maven",
  golang: "Go",
  cargo: "crates.io",
  nuget: "NuGet",
  gem: "RubyGems",
  composer: "Packagist",
  hex: "Hex",
  pub: "Pub",
};

function decode(part: string, purl: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new ConfigurationError(`expected a package URL with valid percent-encoding, found ${JSON.stringify(purl.slice(0, 200))}`);
  }
}

/**
 * `pkg:npm/%40babel/core@7.24.7#subpath` → its parts, percent-decoded, read
 * as the purl specification reads it: the subpath after the last `#`, the
 * qualifiers after the last `?`, the version after the last `@`, the name
 * after the last `/`. A purl without a type or a name (`pkg:npm/@4.17.15` has
 * only a version) is refused rather than read as a package named "@4.17.15".
 */
export function parsePurl(purl: string): PackageUrl {
  const text = purl.trim();
  const refuse = (why: string) =>
    new ConfigurationError(`expected a package URL such as pkg:npm/lodash@4.17.21, found ${JSON.stringify(text.slice(0, 200))} (${why})`);
  if (!/^pkg:/i.test(text)) throw refuse('it does not start with "pkg:"');
  let rest = text.slice(4).replace(/^\/+/, "");
  let subpath: string | undefined;
  const hash = rest.lastIndexOf("#");
  if (hash >= 0) {
    subpath = rest.slice(hash + 1).replace(/^\/+|\/+$/g, "") || undefined;
    rest = rest.slice(0, hash);
  }
  const question = rest.lastIndexOf("?");
  if (question >= 0) rest = rest.slice(0, question);
  const slash = rest.indexOf("/");
  const type = slash > 0 ? rest.slice(0, slash) : "";
  if (!/^[a-zA-Z.+-][a-zA-Z0-9.+-]*$/.test(type)) throw refuse("no package type");
  rest = rest.slice(slash + 1).replace(/\/+$/, "");
  const at = rest.lastIndexOf("@");
  const version = at >= 0 ? decode(rest.slice(at + 1), text) || undefined : undefined;
  if (at >= 0) rest = rest.slice(0, at);
  const segments = rest
    .split("/")
    .filter(Boolean)
    .map((segment) => decode(segment, text));
  const name = segments.pop();
  if (!name) throw refuse("no package name");
  return { type: type.toLowerCase(), namespace: segments.length > 0 ? segments.join("/") : undefined, name, version, subpath };
}

/** The OSV ecosystem and package name for a purl, or undefined for a type OSV does not know. */
export function osvPackage(purl: PackageUrl): { ecosystem: string; name: string } | undefined {
  const ecosystem = ECOSYSTEMS[purl.type];
  if (!ecosystem) return undefined;
  // npm scopes and Go module paths keep their slash; Maven joins group and artifact with a colon.
  const name = purl.namespace ? (purl.type === "maven" ? `${purl.namespace}:${purl.name}` : `${purl.namespace}/${purl.name}`) : purl.name;
  return { ecosystem, name };
}
