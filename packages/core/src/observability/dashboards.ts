import * as z from "zod";
import { ConfigurationError, quoted } from "../errors.js";
import { validateAs } from "../validation.js";
import type { YamlDocument } from "../yaml.js";
import { PromqlQuery } from "./promql.js";

/** A panel's query and what it reads. */
export interface PanelTarget {
  expr: string;
  query: PromqlQuery;
  refId?: string;
  /** The target's own datasource, as written (a uid, a name or a variable). */
  datasource?: string;
}

export interface Panel {
  title: string;
  type: string;
  /** The unit the panel shows its values in (`s`, `bytes`, `reqps`). */
  unit?: string;
  datasource?: string;
  targets: PanelTarget[];
  /** Where it is in the JSON (`panels[2].panels[0]`), for messages. */
  pointer: string;
}

/** A Grafana dashboard as the gate reads it. */
export interface Dashboard {
  uid?: string;
  title: string;
  tags: string[];
  path: string;
  panels: Panel[];
  /** The dashboard model itself, for comparing with what a Grafana serves. */
  model: Record<string, unknown>;
}

/** A folder of dashboards that Grafana's provisioning YAML loads. */
export interface DashboardProvider {
  name: string;
  path: string;
  /** The provisioning file that names it. */
  source: string;
}

// A datasource is a name (older dashboards), a `{ type, uid }` reference, or null for the default.
const DatasourceRef = z.union([z.string(), z.object({ uid: z.string().nullish(), type: z.string().nullish() }).loose(), z.null()]).optional();
const Target = z.object({ expr: z.string().optional(), refId: z.string().optional(), datasource: DatasourceRef, hide: z.boolean().optional() }).loose();
interface RawPanel {
  title?: string;
  type?: string;
  datasource?: z.infer<typeof DatasourceRef>;
  targets?: z.infer<typeof Target>[];
  panels?: RawPanel[];
  fieldConfig?: { defaults?: { unit?: string } };
  yaxes?: { format?: string }[];
  format?: string;
}
const PanelSchema: z.ZodType<RawPanel> = z.lazy(() =>
  z
    .object({
      title: z.string().optional(),
      type: z.string().optional(),
      datasource: DatasourceRef,
      targets: z.array(Target).optional(),
      panels: z.array(PanelSchema).optional(),
      fieldConfig: z
        .object({ defaults: z.object({ unit: z.string().optional() }).loose().optional() })
        .loose()
        .optional(),
      yaxes: z.array(z.object({ format: z.string().optional() }).loose()).optional(),
      format: z.string().optional(),
    })
    .loose(),
);
const DashboardSchema = z
  .object({
    uid: z.string().nullish(),
    title: z.string().min(1),
    tags: z.array(z.string()).default([]),
    panels: z.array(PanelSchema).optional(),
    // Dashboards older than schema 16 keep panels in rows.
    rows: z.array(z.object({ title: z.string().optional(), panels: z.array(PanelSchema).default([]) }).loose()).optional(),
  })
  .loose()
  .refine((dashboard) => dashboard.panels !== undefined || dashboard.rows !== undefined, "panels (or rows, in older dashboards)");

/** Whether a JSON value is a dashboard model, or a dashboard as Grafana's API and exports wrap it (`{ dashboard, meta }`). */
export function dashboardModel(value: unknown): Record<string, unknown> | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (Array.isArray(record.panels) || Array.isArray(record.rows)) return record;
  const wrapped = record.dashboard;
  return wrapped &&
    typeof wrapped === "object" &&
    !Array.isArray(wrapped) &&
    (Array.isArray((wrapped as Record<string, unknown>).panels) || Array.isArray((wrapped as Record<string, unknown>).rows))
    ? (wrapped as Record<string, unknown>)
    : undefined;
}

function datasourceText(ref: z.infer<typeof DatasourceRef>): string | undefined {
  if (ref === undefined || ref === null) return undefined;
  return typeof ref === "string" ? ref : (ref.uid ?? undefined);
}

function panelUnit(panel: RawPanel): string | undefined {
  return panel.fieldConfig?.defaults?.unit || panel.yaxes?.[0]?.format || panel.format || undefined;
}

/** Reads a dashboard model (already JSON-parsed); nested row panels and old-style rows are flattened. */
export function readDashboard(model: Record<string, unknown>, path: string): Dashboard {
  const dashboard = validateAs(DashboardSchema, model, undefined, path);
  const panels: Panel[] = [];
  const visit = (list: RawPanel[], pointer: string) => {
    list.forEach((panel, index) => {
      const here = `${pointer}[${index}]`;
      if (panel.panels?.length) visit(panel.panels, `${here}.panels`);
      if (panel.type === "row") return;
      const targets = (panel.targets ?? []).flatMap((target) =>
        target.expr && !target.hide
          ? [{ expr: target.expr, query: new PromqlQuery(target.expr, "grafana"), refId: target.refId, datasource: datasourceText(target.datasource) }]
          : [],
      );
      panels.push({
        title: panel.title ?? "",
        type: panel.type ?? "",
        unit: panelUnit(panel),
        datasource: datasourceText(panel.datasource),
        targets,
        pointer: here,
      });
    });
  };
  visit(dashboard.panels ?? [], "panels");
  for (const [index, row] of (dashboard.rows ?? []).entries()) visit(row.panels, `rows[${index}].panels`);
  return { ...(dashboard.uid ? { uid: dashboard.uid } : {}), title: dashboard.title, tags: dashboard.tags, path, panels, model };
}

const Provisioning = z.object({
  apiVersion: z.union([z.literal(1), z.literal("1")]),
  providers: z.array(
    z
      .object({
        name: z.string().min(1),
        type: z.string().default("file"),
        options: z.object({ path: z.string().min(1) }).loose(),
      })
      .loose(),
  ),
});

/** The dashboard folders a Grafana provisioning file points at. */
export function readProvisioning(document: YamlDocument): DashboardProvider[] {
  const provisioning = document.validate(Provisioning);
  return provisioning.providers.map((provider, index) => {
    if (provider.type !== "file")
      throw new ConfigurationError(
        `providers[${index}].type: expected file (the only provider type Grafana has), found ${quoted(provider.type)}`,
        document.source,
        document.lineOf(["providers", index, "type"]),
      );
    return { name: provider.name, path: provider.options.path, source: document.source };
  });
}
