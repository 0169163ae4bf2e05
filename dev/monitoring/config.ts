/**
 * Prometheus, Alertmanager and Grafana configs for a local stack, generated
 * from the checked-in files under monitoring/ (parsed, a few fields set, written
 * again), so `npm run dev` and the tests run exactly the repo's rules, routes and
 * receivers with only the addresses, secrets and intervals of that stack.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { ROOT } from "../paths.ts";

export const MONITORING_DIR = join(ROOT, "monitoring");
export const RULES_DIR = join(MONITORING_DIR, "prometheus", "rules");
export const DASHBOARDS_DIR = join(MONITORING_DIR, "grafana", "dashboards");

/** Shorter intervals for tests that wait for an alert; `npm run dev` keeps the repo's. */
export interface FastIntervals {
  /** Scrape and rule evaluation interval ("1s"). */
  interval: string;
  /** Alertmanager's group_wait and group_interval for every route ("1s"). */
  grouping: string;
  /** Every rule's `for:` is replaced by this ("5s"); rules without `for:` keep none. Unset: the repo's rule files as they are. */
  ruleFor?: string;
}

export interface PrometheusConfigOptions {
  /** `host:port` of the exporter Worker. */
  exporterTarget: string;
  /** File holding the exporter's bearer token. */
  tokenFile: string;
  /** `host:port` of Alertmanager; without it the alerting section is left out. */
  alertmanagerTarget?: string;
  /** Absolute rule file globs; the repo's rules/ by default. */
  ruleFiles?: string[];
  fast?: Pick<FastIntervals, "interval">;
}

type Yaml = Record<string, unknown>;
const object = (value: unknown, what: string): Yaml => {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error(`monitoring config: ${what} is not a mapping`);
  return value as Yaml;
};

/** monitoring/prometheus/prometheus.yml with this stack's target, token file, rule files and Alertmanager. */
export async function prometheusConfig(options: PrometheusConfigOptions): Promise<string> {
  const config = object(parse(await readFile(join(MONITORING_DIR, "prometheus", "prometheus.yml"), "utf8")), "prometheus.yml");
  const global = object(config.global, "prometheus.yml global");
  if (options.fast) Object.assign(global, { scrape_interval: options.fast.interval, scrape_timeout: options.fast.interval, evaluation_interval: options.fast.interval });
  config.rule_files = options.ruleFiles ?? [join(RULES_DIR, "*.yml")];
  if (options.alertmanagerTarget) config.alerting = { alertmanagers: [{ static_configs: [{ targets: [options.alertmanagerTarget] }] }] };
  else delete config.alerting;
  const scrapes = config.scrape_configs as Yaml[];
  const exporter = scrapes.find((scrape) => scrape.job_name === "qingyu-exporter");
  if (!exporter) throw new Error("monitoring config: prometheus.yml has no qingyu-exporter job");
  object(exporter.authorization, "the exporter job's authorization").credentials_file = options.tokenFile;
  exporter.static_configs = [{ targets: [options.exporterTarget] }];
  return stringify(config);
}

export interface AlertmanagerConfigOptions {
  /** The API Worker's base URL; the receiver's webhook path is kept. */
  apiUrl: string;
  /** File holding the API's ALERT_WEBHOOK_TOKEN. */
  tokenFile: string;
  fast?: Pick<FastIntervals, "grouping">;
}

/** monitoring/alertmanager/alertmanager.yml with the webhook pointed at this stack's API. */
export async function alertmanagerConfig(options: AlertmanagerConfigOptions): Promise<string> {
  const config = object(parse(await readFile(join(MONITORING_DIR, "alertmanager", "alertmanager.yml"), "utf8")), "alertmanager.yml");
  for (const receiver of config.receivers as Yaml[]) {
    for (const webhook of (receiver.webhook_configs as Yaml[] | undefined) ?? []) {
      const url = new URL(String(webhook.url));
      webhook.url = new URL(url.pathname, options.apiUrl).href;
      object(object(webhook.http_config, "webhook http_config").authorization, "webhook authorization").credentials_file = options.tokenFile;
    }
  }
  if (options.fast) {
    const speedUp = (route: Yaml) => {
      if ("group_wait" in route || route === config.route) route.group_wait = options.fast?.grouping;
      if ("group_interval" in route || route === config.route) route.group_interval = options.fast?.grouping;
      for (const child of (route.routes as Yaml[] | undefined) ?? []) speedUp(child);
    };
    speedUp(object(config.route, "alertmanager.yml route"));
  }
  return stringify(config);
}

/** The repo's rule files with every `for:` shortened (tests only), as name → YAML text. */
export async function fastRuleFiles(ruleFor: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const name of (await readdir(RULES_DIR)).filter((file) => file.endsWith(".yml")).sort()) {
    const rules = object(parse(await readFile(join(RULES_DIR, name), "utf8")), name);
    for (const group of rules.groups as Yaml[]) for (const rule of group.rules as Yaml[]) if ("for" in rule) rule.for = ruleFor;
    files.set(name, stringify(rules));
  }
  return files;
}

/** Grafana provisioning (data source at this stack's Prometheus, dashboards from monitoring/), as relative path → YAML text. */
export async function grafanaProvisioning(prometheusUrl: string): Promise<Map<string, string>> {
  const source = join(MONITORING_DIR, "grafana", "provisioning");
  const datasources = object(parse(await readFile(join(source, "datasources", "prometheus.yml"), "utf8")), "grafana datasources");
  for (const datasource of datasources.datasources as Yaml[]) if (datasource.type === "prometheus") datasource.url = prometheusUrl;
  const dashboards = object(parse(await readFile(join(source, "dashboards", "qingyu.yml"), "utf8")), "grafana dashboards");
  for (const provider of dashboards.providers as Yaml[]) object(provider.options, "dashboard provider options").path = DASHBOARDS_DIR;
  return new Map([
    [join("datasources", "prometheus.yml"), stringify(datasources)],
    [join("dashboards", "qingyu.yml"), stringify(dashboards)],
  ]);
}
