import { describe, expect, it } from "vitest";
import { checkLogs, checkTraces, parseCollectorConfig, parseSdkEnvironment } from "../../src/observability/telemetry.js";

const COLLECTOR = `receivers:
  otlp:
    protocols: { grpc: {}, http: {} }
processors:
  batch: {}
  probabilistic_sampler:
    sampling_percentage: 25
exporters:
  otlphttp/tempo:
    endpoint: https://tempo.example.com
  debug: {}
service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [probabilistic_sampler, batch]
      exporters: [otlphttp/tempo, debug]
    logs:
      receivers: [otlp]
      exporters: [otlphttp/tempo]
`;

describe("telemetry.traces", () => {
  it("a Collector whose traces pipeline exports somewhere real", () => {
    const verdict = checkTraces([parseCollectorConfig(COLLECTOR, "otel/collector.yaml")], []);
    expect(verdict).toEqual({ satisfied: ["otel/collector.yaml: pipeline traces exports to otlphttp/tempo, debug"], findings: [] });
  });

  it.each([
    ["no traces pipeline", COLLECTOR.replace("    traces:", "    metrics:"), "traces-no-pipeline"],
    ["only the debug exporter", COLLECTOR.replace("[otlphttp/tempo, debug]", "[debug]"), "traces-not-exported"],
    ["a sampler that keeps nothing", COLLECTOR.replace("sampling_percentage: 25", "sampling_percentage: 0"), "traces-sampled-out"],
    ["an exporter the config does not define", COLLECTOR.replace("[otlphttp/tempo, debug]", "[otlp/jaeger]"), "traces-undefined-component"],
  ])("%s", (_name, text, id) => {
    expect(checkTraces([parseCollectorConfig(text, "collector.yaml")], []).findings.map((finding) => finding.id)).toEqual([id]);
  });

  it("the SDK environment: dotenv or Kubernetes env, exporter, service.name, sampler", () => {
    const dotenv = parseSdkEnvironment(
      'export OTEL_SERVICE_NAME="checkout"\nOTEL_TRACES_SAMPLER=parentbased_traceidratio\nOTEL_TRACES_SAMPLER_ARG=0.1 # ten percent\n',
      ".env.production",
    );
    expect(checkTraces([], [dotenv]).satisfied).toEqual(['.env.production: otlp exporter, service.name "checkout", sampler parentbased_traceidratio']);
    const manifest = parseSdkEnvironment(
      "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          env:\n            - { name: OTEL_RESOURCE_ATTRIBUTES, value: 'service.name=api,deployment.environment=prod' }\n            - { name: OTEL_TRACES_SAMPLER_ARG, value: '0' }\n            - { name: OTEL_TRACES_SAMPLER, value: traceidratio }\n",
      "deploy/api.yaml",
    );
    expect(checkTraces([], [manifest]).findings.map((finding) => finding.message)).toEqual([
      "OTEL_TRACES_SAMPLER_ARG=0 is no sampling ratio above 0 and at most 1",
    ]);
    const unnamed = parseSdkEnvironment("OTEL_TRACES_EXPORTER=otlp\n", ".env");
    expect(checkTraces([], [unnamed]).findings[0]?.id).toBe("traces-no-service-name");
  });

  it("a line that is not KEY=value is the file's mistake, with its line", () => {
    expect(() => parseSdkEnvironment("OTEL_SERVICE_NAME=a\nnot a variable\n", ".env")).toThrow(
      '.env, line 2: expected KEY=value lines (a dotenv file), found "not a variable"',
    );
  });
});

describe("telemetry.logs", () => {
  it.each([
    [
      "log4j2.xml",
      '<Configuration><Appenders><Console name="c"><JsonTemplateLayout eventTemplateUri="classpath:EcsLayout.json"/></Console></Appenders></Configuration>',
      "log4j2 JsonTemplateLayout",
    ],
    [
      "logback.xml",
      '<configuration><appender name="c" class="ch.qos.logback.core.ConsoleAppender"><encoder class="net.logstash.logback.encoder.LogstashEncoder"/></appender></configuration>',
      "logstash-logback-encoder",
    ],
    ["logging.yaml", "formatters:\n  json:\n    (): pythonjsonlogger.jsonlogger.JsonFormatter\n", "python-json-logger"],
    ["zap.json", '{"level": "info", "encoding": "json"}', "zap JSON encoding"],
  ])("%s writes structured records", (path, text, layout) => {
    expect(checkLogs([{ path, text }], [], []).satisfied).toEqual([`${path}: ${layout}`]);
  });

  it("a pattern layout is named in the finding", () => {
    const verdict = checkLogs(
      [
        {
          path: "log4j2.xml",
          text: '<Configuration><Appenders><Console name="c"><PatternLayout pattern="%d %-5level %msg%n"/></Console></Appenders></Configuration>',
        },
      ],
      [],
      [],
    );
    expect(verdict.findings[0]?.message).toMatch(/^configures PatternLayout, not structured records/);
  });

  it("an OpenTelemetry logs pipeline or OTEL_LOGS_EXPORTER=otlp counts", () => {
    const verdict = checkLogs([], [parseCollectorConfig(COLLECTOR, "collector.yaml")], [parseSdkEnvironment("OTEL_LOGS_EXPORTER=otlp\n", ".env")]);
    expect(verdict.satisfied).toEqual(["collector.yaml: OpenTelemetry logs pipeline logs", ".env: OTEL_LOGS_EXPORTER=otlp"]);
  });
});
