import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PROMETHEUS = "/usr/bin/prometheus";

/** A test exporter on loopback serving Prometheus text exposition the test writes (one call per scrape). */
export async function startExporter(exposition: () => string): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
    response.end(exposition());
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((done) => server.close(() => done())) };
}

/**
 * A real Prometheus (Debian's package) on loopback, scraping `targets` every
 * second (job `sample`) and evaluating `ruleFiles` every second, with its
 * data in a temp dir. Stopped and removed by `stop()`.
 */
export async function startPrometheus(targets: string[], ruleFiles: string[] = []): Promise<{ url: string; stop(): Promise<void> }> {
  if (!existsSync(PROMETHEUS)) throw new Error("no Prometheus server: apt-get install -y prometheus (.ci/run does)");
  const dir = mkdtempSync(join(tmpdir(), "rg-prometheus-"));
  const rules = ruleFiles.length ? `rule_files: [${ruleFiles.map((file) => JSON.stringify(file)).join(", ")}]\n` : "";
  writeFileSync(
    join(dir, "prometheus.yml"),
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n${rules}scrape_configs:\n  - job_name: sample\n    static_configs:\n      - targets: [${targets.map((target) => `"${target}"`).join(", ")}]\n`,
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [`--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: "ignore" },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await fetch(`${url}/-/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill("SIGKILL");
      throw new Error(`Prometheus did not become ready on ${url}`);
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  return {
    url,
    stop: async () => {
      child.kill("SIGTERM");
      await new Promise((done) => (child.exitCode !== null ? done(undefined) : child.once("exit", done)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}
