import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  authorization: string | undefined;
}

export type Route = (request: RecordedRequest) => { status: number; body?: unknown; headers?: Record<string, string> } | undefined;

/**
 * A local stand-in for api.github.com that answers with the documented
 * response shapes and records what it was asked. Loopback only.
 */
export async function startFakeApi(route: Route): Promise<{ url: string; requests: RecordedRequest[]; close(): Promise<void> }> {
  const requests: RecordedRequest[] = [];
  const read = (request: IncomingMessage) =>
    new Promise<string>((done) => {
      let text = "";
      request.on("data", (chunk) => (text += chunk));
      request.on("end", () => done(text));
    });
  const server: Server = createServer(async (request, response) => {
    const text = await read(request);
    const recorded = {
      method: request.method ?? "GET",
      path: request.url ?? "/",
      body: text ? JSON.parse(text) : undefined,
      authorization: request.headers.authorization,
    };
    requests.push(recorded);
    const answer = route(recorded) ?? { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } };
    response.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
    response.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((done) => server.close(() => done())) };
}

/**
 * A server that answers every path with the same bytes and records who asked
 * and with which credentials: blob storage behind GitHub's artifact redirect,
 * GitLab's raw artifact file endpoint. Loopback only.
 */
export async function startFileServer(
  bytes: Buffer,
): Promise<{ url: string; requests: { path: string; authorization: string | undefined; jobToken?: string }[]; close(): Promise<void> }> {
  const requests: { path: string; authorization: string | undefined; jobToken?: string }[] = [];
  const server = createServer((request, response) => {
    const jobToken = request.headers["job-token"] as string | undefined;
    requests.push({ path: request.url ?? "", authorization: request.headers.authorization, ...(jobToken ? { jobToken } : {}) });
    response.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(bytes.length) });
    response.end(bytes);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((done) => server.close(() => done())) };
}

/**
 * A loopback server whose handler writes whatever it likes (an HTML page, a
 * redirect loop, one byte a second, a dropped connection): a service having
 * a bad day. Closing it ends every connection still open.
 */
export async function startMisbehavingServer(
  handler: (request: IncomingMessage, response: ServerResponse, call: number) => void,
): Promise<{ url: string; calls: () => number; close(): Promise<void> }> {
  let calls = 0;
  const server = createServer((request, response) => {
    calls += 1;
    handler(request, response, calls);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls: () => calls,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
