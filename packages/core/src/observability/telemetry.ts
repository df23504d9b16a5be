import * as z from "zod";
import { ConfigurationError, quoted } from "../errors.js";
import type { Finding } from "../report/schema.js";
import type { YamlDocument } from "../yaml.js";
import { parseYamlDocuments } from "../yaml-stream.js";

/** An OpenTelemetry Collector configuration: what is defined and how the pipelines join it. */
export interface CollectorConfig {
  path: string;
  receivers: Set<string>;
  processors: Map<string, unknown>;
  exporters: Set<string>;
  pipelines: Map<string, { receivers: string[]; processors: string[]; exporters: string[] }>;
}

const Components = z.record(z.string(), z.unknown()).nullish();
const Pipeline = z
  .object({ receivers: z.array(z.string()).default([]), processors: z.array(z.string()).default([]), exporters: z.array(z.string()).default([]) })
  .loose();
const CollectorSchema = z
  .object({
    receivers: Components,
    processors: Components,
    exporters: Components,
    connectors: Components,
    service: z.object({ pipelines: z.record(z.string(), Pipeline) }).loose(),
  })
  .loose();

export function readCollectorConfig(document: YamlDocument): CollectorConfig {
  const config = document.validate(CollectorSchema);
  // Connectors are both an exporter of one pipeline and a receiver of another.
  const connectors = Object.keys(config.connectors ?? {});
  return {
    path: document.source,
    receivers: new Set([...Object.keys(config.receivers ?? {}), ...connectors]),
    processors: new Map(Object.entries(config.processors ?? {})),
    exporters: new Set([...Object.keys(config.exporters ?? {}), ...connectors]),
    pipelines: new Map(Object.entries(config.service.pipelines)),
  };
}

/** Reads a collector configuration named by the policy (one YAML document). */
export function parseCollectorConfig(text: string, path: string): CollectorConfig {
  const [document] = parseYamlDocuments(text, path);
  if (!document)
    throw new ConfigurationError("expected an OpenTelemetry Collector configuration (receivers, exporters, service.pipelines), found an empty file", path);
  return readCollectorConfig(document);
}

/** Exporters that only print: telemetry sent there leaves the process but reaches no backend. */
const PRINTING_EXPORTERS = new Set(["debug", "logging", "nop", "file"]);
const componentType = (id: string) => id.split("/")[0] as string;

/** The environment an OpenTelemetry SDK reads, from a dotenv file or the `env:` / `environment:` of YAML manifests. */
export type SdkEnvironment = { path: string; variables: Map<string, string> };

function collectYamlEnvironment(value: unknown, variables: Map<string, string>, depth = 0): void {
  if (!value || typeof value !== "object" || depth > 64) return;
  if (Array.isArray(value)) {
    for (const item of value) collectYamlEnvironment(item, variables, depth + 1);
    return;
  }
  for (const [key, entry] of Object.entries(value)) {
    // Kubernetes: env: [{ name, value }]; Compose: environment: { KEY: value } or [KEY=value].
    if (key === "env" && Array.isArray(entry)) {
      for (const item of entry)
        if (item && typeof item === "object" && typeof (item as { name?: unknown }).name === "string" && (item as { value?: unknown }).value !== undefined)
          variables.set((item as { name: string }).name, String((item as { value: unknown }).value));
    } else if (key === "environment" && Array.isArray(entry)) {
      for (const item of entry)
        if (typeof item === "string" && item.includes("=")) variables.set(item.slice(0, item.indexOf("=")), item.slice(item.indexOf("=") + 1));
    } else if (key === "environment" && entry && typeof entry === "object") {
      for (const [name, text] of Object.entries(entry)) if (text !== null && typeof text !== "object") variables.set(name, String(text));
    }
    collectYamlEnvironment(entry, variables, depth + 1);
  }
}

/** A dotenv file (`KEY=value`, `export KEY=value`, quotes) or YAML manifests with container environments. */
export function parseSdkEnvironment(text: string, path: string): SdkEnvironment {
  const variables = new Map<string, string>();
  if (/\.(ya?ml)$/i.test(path)) {
    for (const document of parseYamlDocuments(text, path)) collectYamlEnvironment(document.value, variables);
    return { path, variables };
  }
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(trimmed);
    if (!match) throw new ConfigurationError(`expected KEY=value lines (a dotenv file), found ${quoted(trimmed, 40)}`, path, index + 1);
    const raw = (match[2] as string).trim();
    const value = /^(["']).*\1$/.test(raw) ? raw.slice(1, -1) : raw.replace(/\s+#.*$/, "");
    variables.set(match[1] as string, value);
  });
  return { path, variables };
}

/** What one telemetry check concluded, with the findings that explain a failure. */
export interface TelemetryVerdict {
  /** One sentence per source that satisfies the check. */
  satisfied: string[];
  findings: Finding[];
}

function problem(id: string, message: string, path: string): Finding {
  return { id, severity: "error", message, location: { path } };
}

/** A traces pipeline that receives and exports somewhere real, with no sampler that drops everything. */
function collectorTraces(config: CollectorConfig): { ok: true; sentence: string } | { ok: false; finding: Finding } {
  const pipelines = [...config.pipelines].filter(([name]) => name === "traces" || name.startsWith("traces/"));
  if (pipelines.length === 0)
    return {
      ok: false,
      finding: problem("traces-no-pipeline", "the collector has no traces pipeline (service.pipelines.traces): spans sent to it are refused", config.path),
    };
  for (const [name, pipeline] of pipelines) {
    const undefinedParts = [
      ...pipeline.receivers.filter((id) => !config.receivers.has(id)),
      ...pipeline.exporters.filter((id) => !config.exporters.has(id)),
      ...pipeline.processors.filter((id) => !config.processors.has(id)),
    ];
    if (undefinedParts.length)
      return {
        ok: false,
        finding: problem(
          "traces-undefined-component",
          `pipeline ${name} uses ${undefinedParts.map((id) => quoted(id)).join(", ")}, which the configuration does not define (the collector will not start)`,
          config.path,
        ),
      };
    const exporters = pipeline.exporters.filter((id) => !PRINTING_EXPORTERS.has(componentType(id)));
    if (pipeline.receivers.length === 0 || exporters.length === 0)
      return {
        ok: false,
        finding: problem(
          "traces-not-exported",
          `pipeline ${name} ${pipeline.receivers.length === 0 ? "receives nothing" : `exports only to ${pipeline.exporters.join(", ") || "nothing"}, which print rather than store`}`,
          config.path,
        ),
      };
    for (const id of pipeline.processors) {
      const settings = config.processors.get(id) as { sampling_percentage?: unknown } | undefined;
      if (componentType(id) === "probabilistic_sampler" && Number(settings?.sampling_percentage ?? 0) <= 0)
        return {
          ok: false,
          finding: problem(
            "traces-sampled-out",
            `pipeline ${name}: processor ${id} keeps ${settings?.sampling_percentage ?? 0} % of traces, so none are stored`,
            config.path,
          ),
        };
    }
  }
  const [name, pipeline] = pipelines[0] as [string, { exporters: string[] }];
  return { ok: true, sentence: `${config.path}: pipeline ${name} exports to ${pipeline.exporters.join(", ")}` };
}

const OFF_SAMPLERS = new Set(["always_off", "parentbased_always_off"]);
const RATIO_SAMPLERS = new Set(["traceidratio", "parentbased_traceidratio"]);

/** OpenTelemetry SDK environment: an exporter that exports, service.name, a sampler that samples. */
function sdkTraces(environment: SdkEnvironment): { ok: true; sentence: string } | { ok: false; finding: Finding } {
  const variables = environment.variables;
  const fail = (id: string, message: string) => ({ ok: false as const, finding: problem(id, message, environment.path) });
  if (variables.get("OTEL_SDK_DISABLED")?.toLowerCase() === "true") return fail("traces-sdk-disabled", "OTEL_SDK_DISABLED=true turns the SDK off");
  const exporter = variables.get("OTEL_TRACES_EXPORTER") ?? "otlp";
  const exporters = exporter.split(",").map((entry) => entry.trim());
  if (exporters.every((entry) => entry === "none" || entry === "console" || entry === "logging"))
    return fail("traces-not-exported", `OTEL_TRACES_EXPORTER=${exporter} sends no spans to a backend (use otlp)`);
  const serviceName = variables.get("OTEL_SERVICE_NAME") ?? /(?:^|,)\s*service\.name=([^,]+)/.exec(variables.get("OTEL_RESOURCE_ATTRIBUTES") ?? "")?.[1];
  if (!serviceName?.trim())
    return fail("traces-no-service-name", "neither OTEL_SERVICE_NAME nor service.name in OTEL_RESOURCE_ATTRIBUTES is set: spans arrive as unknown_service");
  const sampler = variables.get("OTEL_TRACES_SAMPLER") ?? "parentbased_always_on";
  if (OFF_SAMPLERS.has(sampler)) return fail("traces-sampled-out", `OTEL_TRACES_SAMPLER=${sampler} records no spans`);
  if (RATIO_SAMPLERS.has(sampler)) {
    const ratio = Number(variables.get("OTEL_TRACES_SAMPLER_ARG") ?? "1");
    if (!(ratio > 0 && ratio <= 1))
      return fail("traces-sampled-out", `OTEL_TRACES_SAMPLER_ARG=${variables.get("OTEL_TRACES_SAMPLER_ARG")} is no sampling ratio above 0 and at most 1`);
  }
  return { ok: true, sentence: `${environment.path}: ${exporters.join(", ")} exporter, service.name ${quoted(serviceName.trim())}, sampler ${sampler}` };
}

/** telemetry.traces: every source the policy names must enable tracing. */
export function checkTraces(collectors: readonly CollectorConfig[], environments: readonly SdkEnvironment[]): TelemetryVerdict {
  const verdict: TelemetryVerdict = { satisfied: [], findings: [] };
  for (const result of [...collectors.map(collectorTraces), ...environments.map(sdkTraces)]) {
    if (result.ok) verdict.satisfied.push(result.sentence);
    else verdict.findings.push(result.finding);
  }
  return verdict;
}

/** Layouts and encoders that write one JSON (or ECS, or OTel) record per event, by logging framework. */
const STRUCTURED_LAYOUTS: readonly { name: string; pattern: RegExp }[] = [
  { name: "log4j2 JsonTemplateLayout", pattern: /<JsonTemplateLayout\b|"JsonTemplateLayout"/ },
  { name: "log4j2 JsonLayout", pattern: /<JsonLayout\b|"JsonLayout"/ },
  { name: "ECS layout", pattern: /<EcsLayout\b|EcsEncoder|EcsTextFormatter|ecs_logging|EcsFormatter/ },
  { name: "logstash-logback-encoder", pattern: /net\.logstash\.logback\.(encoder|composite)/ },
  { name: "logback JsonEncoder", pattern: /ch\.qos\.logback\.classic\.encoder\.JsonEncoder/ },
  { name: "python-json-logger", pattern: /pythonjsonlogger|json_log_formatter|structlog\.processors\.JSONRenderer/ },
  { name: "Serilog compact JSON", pattern: /(Rendered)?CompactJsonFormatter|Serilog\.Formatting\.Json\.JsonFormatter/ },
  { name: "zap JSON encoding", pattern: /(^|[\s{,])"?encoding"?\s*[:=]\s*["']?json\b/m },
  { name: "winston JSON format", pattern: /format\.json\(\)/ },
  { name: "a JSON log format setting", pattern: /\blog(?:ging)?[_.-]?format\s*[:=]\s*["']?(?:json|ecs)\b/i },
  { name: "OpenTelemetry logs exporter", pattern: /\bOTEL_LOGS_EXPORTER\s*[:=]\s*["']?otlp\b/ },
];

/** What a configuration that writes plain text lines shows, to name it in the finding. */
const TEXT_LAYOUTS: readonly { name: string; pattern: RegExp }[] = [
  { name: "PatternLayout", pattern: /<PatternLayout\b|PatternLayoutEncoder|<pattern>/ },
  { name: "a printf-style format", pattern: /%\(asctime\)s|%d\{|%-5level|%msg|%m%n/ },
  { name: "console encoding", pattern: /(^|[\s{,])"?encoding"?\s*[:=]\s*["']?console\b/m },
];

/** telemetry.logs: each logging configuration writes structured records; a collector logs pipeline counts too. */
export function checkLogs(
  files: readonly { path: string; text: string }[],
  collectors: readonly CollectorConfig[],
  environments: readonly SdkEnvironment[],
): TelemetryVerdict {
  const verdict: TelemetryVerdict = { satisfied: [], findings: [] };
  for (const file of files) {
    const layout = STRUCTURED_LAYOUTS.find((candidate) => candidate.pattern.test(file.text));
    if (layout) {
      verdict.satisfied.push(`${file.path}: ${layout.name}`);
      continue;
    }
    const text = TEXT_LAYOUTS.find((candidate) => candidate.pattern.test(file.text));
    verdict.findings.push(
      problem(
        "logs-unstructured",
        `configures ${text ? text.name : "no layout the gate recognises"}, not structured records: use a JSON, ECS or OpenTelemetry layout (log4j2 JsonTemplateLayout, logstash-logback-encoder, python-json-logger, zap encoding json, winston format.json())`,
        file.path,
      ),
    );
  }
  for (const config of collectors) {
    const logs = [...config.pipelines].find(
      ([name, pipeline]) => (name === "logs" || name.startsWith("logs/")) && pipeline.exporters.some((id) => !PRINTING_EXPORTERS.has(componentType(id))),
    );
    if (logs) verdict.satisfied.push(`${config.path}: OpenTelemetry logs pipeline ${logs[0]}`);
  }
  for (const environment of environments) {
    const exporter = environment.variables.get("OTEL_LOGS_EXPORTER");
    if (exporter?.split(",").some((entry) => entry.trim() === "otlp")) verdict.satisfied.push(`${environment.path}: OTEL_LOGS_EXPORTER=otlp`);
  }
  return verdict;
}
