/** Helpers for the monitoring end-to-end tests: scraping the exporter, parsing the exposition, running promtool. */
import { spawn } from "node:child_process";

/** GET /metrics with the bearer token; `accept` picks the format. */
export async function scrape(exporterUrl: string, token: string, accept = "text/plain;version=0.0.4"): Promise<{ status: number; contentType: string; body: string }> {
  const response = await fetch(`${exporterUrl}/metrics`, { headers: { Authorization: `Bearer ${token}`, Accept: accept } });
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", body: await response.text() };
}

/** Every sample line as `series → value`, where series is the text before the value (`name{labels}`). */
export function parseSamples(body: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of body.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const cut = line.lastIndexOf(" ");
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

/** Family types from the `# TYPE` lines. */
export function parseTypes(body: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const match of body.matchAll(/^# TYPE (\S+) (\S+)$/gm)) types.set(match[1] as string, match[2] as string);
  return types;
}

/** Series of counters and histograms (the ones that must never go down): `_total`, `_bucket`, `_sum`, `_count`. */
export function monotonicSeries(body: string): Map<string, number> {
  const types = parseTypes(body);
  const result = new Map<string, number>();
  for (const [series, value] of parseSamples(body)) {
    const name = series.split("{")[0] as string;
    const family = types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, "");
    const type = types.get(family);
    if (type === "counter" || type === "histogram") result.set(series, value);
  }
  return result;
}

/** Runs a command with optional stdin; resolves with its exit code and output (never rejects on a non-zero exit). */
export function runTool(command: string, args: string[], stdin?: string, cwd?: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code: code ?? 1, output }));
    child.stdin.end(stdin ?? "");
  });
}
