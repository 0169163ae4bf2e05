/** Turns the compact dashboard specs in ./dashboards.ts into Grafana dashboard JSON (schema 39). */

/** Grafana unit ids used here. */
export type Unit = "reqps" | "ops" | "s" | "bytes" | "percentunit" | "short" | "none" | "currencyCNY";

/** One query of a panel. */
export interface Query {
  expr: string;
  legend?: string;
}

/** A threshold drawn on the panel (as a line on time series); `color` applies above `value`. */
export interface Threshold {
  value: number;
  color: "green" | "yellow" | "orange" | "red";
}

/** One panel, laid out in reading order on a 24-column grid. */
export interface PanelSpec {
  title: string;
  description: string;
  type?: "timeseries" | "stat";
  unit: Unit;
  queries: Query[];
  /** Width in grid columns (default 12). */
  width?: number;
  /** Colour below the first threshold (default green). */
  base?: Threshold["color"];
  thresholds?: Threshold[];
  stacked?: boolean;
  min?: number;
  max?: number;
}

/** One dashboard. */
export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  panels: PanelSpec[];
}

const DATASOURCE = { type: "prometheus", uid: "${datasource}" };
const PANEL_HEIGHT = 8;

function panelJson(spec: PanelSpec, id: number, x: number, y: number): Record<string, unknown> {
  const type = spec.type ?? "timeseries";
  const thresholds = {
    mode: "absolute",
    steps: [{ color: spec.base ?? "green", value: null }, ...(spec.thresholds ?? []).map((step) => ({ color: step.color, value: step.value }))],
  };
  const custom =
    type === "timeseries"
      ? {
          drawStyle: "line",
          lineWidth: 1,
          fillOpacity: spec.stacked ? 30 : 10,
          showPoints: "never",
          spanNulls: true,
          stacking: { mode: spec.stacked ? "normal" : "none", group: "A" },
          thresholdsStyle: { mode: spec.thresholds?.length ? "line" : "off" },
        }
      : {};
  return {
    id,
    type,
    title: spec.title,
    description: spec.description,
    datasource: DATASOURCE,
    gridPos: { h: PANEL_HEIGHT, w: spec.width ?? 12, x, y },
    fieldConfig: {
      defaults: { unit: spec.unit, ...(spec.min === undefined ? {} : { min: spec.min }), ...(spec.max === undefined ? {} : { max: spec.max }), thresholds, custom, color: { mode: type === "stat" ? "thresholds" : "palette-classic" } },
      overrides: [],
    },
    options:
      type === "stat"
        ? { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false }, colorMode: "background", graphMode: "area", textMode: "auto", orientation: "auto" }
        : { legend: { displayMode: "list", placement: "bottom", showLegend: true }, tooltip: { mode: "multi", sort: "desc" } },
    targets: spec.queries.map((query, index) => ({
      refId: String.fromCharCode(65 + index),
      datasource: DATASOURCE,
      expr: query.expr,
      legendFormat: query.legend ?? "__auto",
      range: true,
    })),
  };
}

/** The dashboard JSON, panels flowing left to right then down. */
export function dashboardJson(spec: DashboardSpec): Record<string, unknown> {
  const panels: Array<Record<string, unknown>> = [];
  let x = 0;
  let y = 0;
  spec.panels.forEach((panel, index) => {
    const width = panel.width ?? 12;
    if (x + width > 24) {
      x = 0;
      y += PANEL_HEIGHT;
    }
    panels.push(panelJson(panel, index + 1, x, y));
    x += width;
  });
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ["qingyu"],
    editable: true,
    schemaVersion: 39,
    version: 1,
    refresh: "30s",
    time: { from: "now-6h", to: "now" },
    timezone: "browser",
    annotations: { list: [] },
    templating: {
      list: [{ name: "datasource", label: "Data source", type: "datasource", query: "prometheus", current: {}, hide: 0, includeAll: false, multi: false, options: [], refresh: 1, regex: "" }],
    },
    panels,
  };
}
