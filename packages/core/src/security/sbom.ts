import * as z from "zod";
import { ConfigurationError } from "../errors.js";
import { parseJsonText, validateAs } from "../validation.js";
import { osvPackage, parsePurl } from "./purl.js";

/** One package of the software, as the gate matches it. */
export interface Component {
  /** Ecosystem-qualified name: `@babel/core`, `org.slf4j:slf4j-api`. */
  name: string;
  version: string | undefined;
  purl: string | undefined;
  /** The OSV ecosystem, undefined for purl types OSV has no data for. */
  ecosystem: string | undefined;
  /** Only needed to build or test (dev dependency). */
  development: boolean;
  /** SPDX license ids or expressions declared for the package. */
  licenses: string[];
  /** Where it sits in the tree, when the SBOM says (`node_modules/a/node_modules/b`). */
  path: string | undefined;
  /** Why no advisory can be matched to it (no or a malformed package URL, a type no database covers); the version is checked when matching. */
  unmatchable?: string;
}

export interface Sbom {
  format: "cyclonedx" | "spdx";
  specVersion: string;
  components: Component[];
}

const cdxComponent: z.ZodType<CdxComponent> = z.lazy(() =>
  z.looseObject({
    name: z.string(),
    group: z.string().optional(),
    version: z.string().optional(),
    purl: z.string().optional(),
    scope: z.string().optional(),
    licenses: z
      .array(
        z.looseObject({ license: z.looseObject({ id: z.string().optional(), name: z.string().optional() }).optional(), expression: z.string().optional() }),
      )
      .optional(),
    properties: z.array(z.looseObject({ name: z.string(), value: z.string().optional() })).optional(),
    components: z.array(cdxComponent).optional(),
  }),
);
interface CdxComponent {
  name: string;
  group?: string;
  version?: string;
  purl?: string;
  scope?: string;
  licenses?: { license?: { id?: string; name?: string }; expression?: string }[];
  properties?: { name: string; value?: string }[];
  components?: CdxComponent[];
}

const cycloneDx = z.looseObject({
  bomFormat: z.literal("CycloneDX"),
  specVersion: z.string().regex(/^1\.[2-7]$/, "a CycloneDX spec version 1.2–1.7"),
  components: z.array(cdxComponent).default([]),
});

const spdx = z.looseObject({
  spdxVersion: z.string().regex(/^SPDX-2\.[23]$/, "SPDX-2.2 or SPDX-2.3"),
  packages: z
    .array(
      z.looseObject({
        SPDXID: z.string(),
        name: z.string(),
        versionInfo: z.string().optional(),
        licenseConcluded: z.string().optional(),
        licenseDeclared: z.string().optional(),
        externalRefs: z.array(z.looseObject({ referenceType: z.string(), referenceLocator: z.string() })).optional(),
      }),
    )
    .default([]),
  relationships: z.array(z.looseObject({ spdxElementId: z.string(), relationshipType: z.string(), relatedSpdxElement: z.string() })).default([]),
  documentDescribes: z.array(z.string()).optional(),
});

/**
 * A component's identity from its package URL. One the gate cannot use says
 * why instead of failing the whole SBOM: the gate lists it and fails closed.
 */
function fromPurl(
  name: string,
  version: string | undefined,
  purl: string | undefined,
): Pick<Component, "name" | "version" | "ecosystem" | "purl" | "unmatchable"> {
  if (!purl) return { name, version, ecosystem: undefined, purl, unmatchable: "the SBOM gives it no package URL" };
  let parsed: ReturnType<typeof parsePurl>;
  try {
    parsed = parsePurl(purl);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    return { name, version, ecosystem: undefined, purl, unmatchable: `its package URL is malformed: ${error.detail}` };
  }
  const osv = osvPackage(parsed);
  return {
    name: osv?.name ?? name,
    version: parsed.version ?? version,
    ecosystem: osv?.ecosystem,
    purl,
    ...(osv ? {} : { unmatchable: `no advisory database here covers ${parsed.type} packages` }),
  };
}

const NOASSERTION = /^(NOASSERTION|NONE)$/;

/**
 * Reads a CycloneDX (1.2–1.7) or SPDX 2.2/2.3 JSON SBOM into components.
 * Dev dependencies are recognised the ways the npm tools write them:
 * cyclonedx-npm's `cdx:npm:package:development` property, npm sbom's
 * `scope: optional` + property, SPDX `DEV_DEPENDENCY_OF` relationships.
 * The root package an SPDX document describes is not a dependency.
 */
export function parseSbom(text: string): Sbom {
  const data = parseJsonText(text, "a CycloneDX or SPDX SBOM in JSON");
  if (data && typeof data === "object" && "bomFormat" in data) {
    const bom = validateAs(cycloneDx, data, "CycloneDX SBOM");
    const components: Component[] = [];
    const visit = (component: CdxComponent) => {
      const property = (key: string) => component.properties?.find((entry) => entry.name === key)?.value;
      const name = component.group ? `${component.group}/${component.name}` : component.name;
      components.push({
        ...fromPurl(name, component.version, component.purl),
        development: property("cdx:npm:package:development") === "true" || component.scope === "excluded",
        licenses: (component.licenses ?? []).flatMap((entry) => [entry.license?.id ?? entry.license?.name ?? entry.expression ?? ""].filter(Boolean)),
        path: property("cdx:npm:package:path"),
      });
      for (const nested of component.components ?? []) visit(nested);
    };
    for (const component of bom.components) visit(component);
    return { format: "cyclonedx", specVersion: bom.specVersion, components };
  }
  if (data && typeof data === "object" && "spdxVersion" in data) {
    const document = validateAs(spdx, data, "SPDX SBOM");
    const described = new Set([
      ...(document.documentDescribes ?? []),
      ...document.relationships
        .filter((relation) => relation.spdxElementId === "SPDXRef-DOCUMENT" && relation.relationshipType === "DESCRIBES")
        .map((relation) => relation.relatedSpdxElement),
    ]);
    const development = new Set(
      document.relationships.filter((relation) => relation.relationshipType === "DEV_DEPENDENCY_OF").map((relation) => relation.spdxElementId),
    );
    const components = document.packages
      .filter((pkg) => !described.has(pkg.SPDXID))
      .map((pkg): Component => {
        const purl = pkg.externalRefs?.find((ref) => ref.referenceType === "purl")?.referenceLocator;
        const license = [pkg.licenseConcluded, pkg.licenseDeclared].find((value) => value && !NOASSERTION.test(value));
        return { ...fromPurl(pkg.name, pkg.versionInfo, purl), development: development.has(pkg.SPDXID), licenses: license ? [license] : [], path: undefined };
      });
    return { format: "spdx", specVersion: document.spdxVersion, components };
  }
  throw new ConfigurationError('expected a CycloneDX ("bomFormat": "CycloneDX") or SPDX ("spdxVersion") SBOM, found another JSON document');
}
