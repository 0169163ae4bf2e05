/**
 * A local mail catcher: the HTTP email API the Worker's `http` transport
 * speaks (`POST /send` with `{from, to, subject, text}` and a bearer key),
 * keeping every message so a developer can read the code that was sent.
 * `npm run dev` starts it and prints its URL; tests start their own.
 *
 *   GET  /            the messages as an HTML page, newest first
 *   GET  /messages    the same as JSON (`?to=` filters by recipient)
 *   DELETE /messages  forget them
 *   POST /_control/fail    {count, to?}  answer the next `count` sends (to `to` only, if given) with 503 (tests of retries)
 *   POST /_control/outage  {ms}     stop listening for `ms`, then listen again on the same port
 *
 * With `file`, messages are appended to it as JSON lines and read back on start.
 * Listens on 127.0.0.1 only. CLI: node dev/mail-catcher.ts --port 8025 --key dev-only-email-api-key
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { dirname } from "node:path";
import { parseArgs } from "node:util";

export interface CaughtMail {
  id: number;
  receivedAt: string;
  from: string;
  to: string;
  subject: string;
  text: string;
}

export interface MailCatcher {
  url: string;
  /** Where the Worker posts: `${url}/send`. */
  sendUrl: string;
  messages(): CaughtMail[];
  stop(): Promise<void>;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function readJson(request: IncomingMessage, limit = 1024 * 1024): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) reject(new Error("too large"));
      else chunks.push(chunk);
    });
    request.on("end", () => {
      try {
        resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {});
      } catch (error) {
        reject(error);
      }
    });
    request.on("error", reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown, type = "application/json"): void {
  const text = type === "application/json" ? JSON.stringify(body) : String(body);
  // No keep-alive: an outage closes the listener, and pooled connections cut under a client show up as its errors.
  response.writeHead(status, { "content-type": `${type}; charset=utf-8`, "content-length": Buffer.byteLength(text), connection: "close" });
  response.end(text);
}

/** Starts the catcher on `port` (0 picks a free one). */
export async function startMailCatcher(options: { port: number; key: string; file?: string; log?: (line: string) => void }): Promise<MailCatcher> {
  const mails: CaughtMail[] = [];
  if (options.file && existsSync(options.file)) {
    for (const line of readFileSync(options.file, "utf8").split("\n")) if (line.trim()) mails.push(JSON.parse(line) as CaughtMail);
  }
  if (options.file) mkdirSync(dirname(options.file), { recursive: true });
  let failNext = 0;
  /** Only sends to this address fail, when set (so parallel tests' mail is left alone). */
  let failFor: string | undefined;

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (request.method === "POST" && url.pathname === "/send") {
      if (request.headers.authorization !== `Bearer ${options.key}`) return send(response, 401, { error: "bad key" });
      const body = (await readJson(request)) as Partial<CaughtMail>;
      if (failNext > 0 && (failFor === undefined || String(body.to).toLowerCase() === failFor)) {
        failNext -= 1;
        return send(response, 503, { error: "failing on purpose" });
      }
      if (typeof body.to !== "string" || typeof body.subject !== "string" || typeof body.text !== "string") return send(response, 400, { error: "to, subject and text are required" });
      const mail: CaughtMail = { id: mails.length + 1, receivedAt: new Date().toISOString(), from: String(body.from ?? ""), to: body.to, subject: body.subject, text: body.text };
      mails.push(mail);
      if (options.file) appendFileSync(options.file, `${JSON.stringify(mail)}\n`);
      options.log?.(`mail #${mail.id} to ${mail.to}`);
      return send(response, 202, { id: String(mail.id) });
    }
    if (request.method === "GET" && url.pathname === "/messages") {
      const to = url.searchParams.get("to")?.toLowerCase();
      return send(response, 200, mails.filter((mail) => !to || mail.to.toLowerCase() === to).reverse());
    }
    if (request.method === "DELETE" && url.pathname === "/messages") {
      mails.length = 0;
      return send(response, 200, { cleared: true });
    }
    if (request.method === "POST" && url.pathname === "/_control/fail") {
      const control = (await readJson(request)) as { count?: number; to?: string };
      failNext = Number(control.count ?? 1);
      failFor = control.to?.toLowerCase();
      return send(response, 200, { failNext });
    }
    if (request.method === "POST" && url.pathname === "/_control/outage") {
      const ms = Number(((await readJson(request)) as { ms?: number }).ms ?? 1000);
      send(response, 200, { downForMs: ms });
      response.on("finish", () => {
        server.close();
        server.closeAllConnections();
        setTimeout(() => server.listen(port, "127.0.0.1"), ms);
      });
      return;
    }
    if (request.method === "GET" && url.pathname === "/") {
      const rows = [...mails].reverse().map((mail) => `<article><h3>${escapeHtml(mail.subject)}</h3><p>to ${escapeHtml(mail.to)} · ${mail.receivedAt}</p><pre>${escapeHtml(mail.text)}</pre></article>`);
      return send(response, 200, `<!doctype html><title>Qingyu mail catcher</title><h1>${mails.length} messages</h1>${rows.join("") || "<p>No mail yet.</p>"}`, "text/html");
    }
    send(response, 404, { error: "not found" });
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => send(response, 400, { error: "bad request" }));
  });
  await new Promise<void>((resolve) => server.listen(options.port, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    sendUrl: `${url}/send`,
    messages: () => [...mails],
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        if (!server.listening) resolve();
      }),
  };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { port: { type: "string", default: "8025" }, key: { type: "string" }, file: { type: "string" } } });
  const catcher = await startMailCatcher({ port: Number(values.port), key: values.key ?? process.env.EMAIL_API_KEY ?? "dev-only-email-api-key", file: values.file, log: console.log });
  console.log(`mail catcher: ${catcher.url}`);
}
