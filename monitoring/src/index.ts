/**
 * The exporter Worker. For now it serves its own build info in the Prometheus
 * text format behind the bearer token; the monitoring issue adds the fan-out
 * to the API Worker's MetricsShard objects.
 */
function authorized(request: Request, token: string): boolean {
  const header = request.headers.get("Authorization") ?? "";
  const expected = `Bearer ${token}`;
  if (header.length !== expected.length) return false;
  let diff = 0;
  for (let index = 0; index < header.length; index++) diff |= header.charCodeAt(index) ^ expected.charCodeAt(index);
  return diff === 0;
}

export default {
  async fetch(request, env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/health") return Response.json({ status: "alive", version: env.APP_VERSION });
    if (url.pathname !== "/metrics") return Response.json({ error: "not found" }, { status: 404 });
    if (!env.METRICS_TOKEN || !authorized(request, env.METRICS_TOKEN)) {
      return Response.json({ error: "unauthorized" }, { status: 401, headers: { "WWW-Authenticate": "Bearer" } });
    }
    const body = [
      "# HELP qingyu_exporter_build_info Build information of the metrics exporter.",
      "# TYPE qingyu_exporter_build_info gauge",
      `qingyu_exporter_build_info{version="${env.APP_VERSION.replace(/["\\\n]/g, "")}"} 1`,
      "",
    ].join("\n");
    return new Response(body, { headers: { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" } });
  },
} satisfies ExportedHandler<Env>;
