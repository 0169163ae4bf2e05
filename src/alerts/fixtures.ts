/** Alertmanager webhook bodies for tests (imported by tests only). */

/** An Alertmanager v4 webhook body with one alert. */
export function alertmanagerPayload(fingerprint: string, status: "firing" | "resolved", alertname = "QingyuHigh5xxRatio") {
  return {
    version: "4",
    groupKey: `{}/{severity="critical"}:{alertname="${alertname}"}`,
    truncatedAlerts: 0,
    status,
    receiver: "qingyu-admin-inbox",
    groupLabels: { alertname },
    commonLabels: { alertname, severity: "critical" },
    commonAnnotations: {},
    externalURL: "http://127.0.0.1:9093",
    alerts: [
      {
        status,
        labels: { alertname, severity: "critical", service: "qingyu-edge" },
        annotations: { summary: "More than 5% of API responses are 5xx" },
        startsAt: "2026-11-27T09:00:00.000Z",
        endsAt: status === "resolved" ? "2026-11-27T09:10:00.000Z" : "0001-01-01T00:00:00Z",
        generatorURL: "http://127.0.0.1:9090/graph",
        fingerprint,
      },
    ],
  };
}
