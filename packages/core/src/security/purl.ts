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

/** `pkg:npm/%40babel/core@7.24.7#subpath` → its parts, percent-decoded (purl spec). */
export function parsePurl(purl: string): PackageUrl {
  const match = /^pkg:([a-zA-Z][a-zA-Z0-9.+-]*)\/([^?#]+?)(?:@([^?#@]+))?(?:\?([^#]*))?(?:#(.*))?$/.exec(purl.trim());
  if (!match) throw new ConfigurationError(`expected a package URL such as pkg:npm/lodash@4.17.21, found ${JSON.stringify(purl)}`);
  const [, type = "", path = "", version, , subpath] = match;
  const segments = path.split("/").map((segment) => decodeURIComponent(segment));
  const name = segments.pop() as string;
  return {
    type: type.toLowerCase(),
    namespace: segments.length > 0 ? segments.join("/") : undefined,
    name,
    version: version === undefined ? undefined : decodeURIComponent(version),
    subpath,
  };
}

/** The OSV ecosystem and package name for a purl, or undefined for a type OSV does not know. */
export function osvPackage(purl: PackageUrl): { ecosystem: string; name: string } | undefined {
  const ecosystem = ECOSYSTEMS[purl.type];
  if (!ecosystem) return undefined;
  // npm scopes and Go module paths keep their slash; Maven joins group and artifact with a colon.
  const name = purl.namespace ? (purl.type === "maven" ? `${purl.namespace}:${purl.name}` : `${purl.namespace}/${purl.name}`) : purl.name;
  return { ecosystem, name };
}
