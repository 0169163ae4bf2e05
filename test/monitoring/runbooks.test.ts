/**
 * Every alert rule links its runbook: a `runbook_url` annotation of the form
 * `docs/<page>.md#<anchor>`, the page exists and has a heading with that
 * anchor. Checked generically over every rule file, so a new alert only needs
 * its rule and its section.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "../../dev/stack.ts";

type RuleFile = { groups: Array<{ name: string; rules: Array<{ alert?: string; record?: string; annotations?: Record<string, string> }> }> };

const RULES_DIR = join(ROOT, "monitoring", "prometheus", "rules");

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = (heading[1] as string)
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

async function alertRules(): Promise<Array<{ file: string; alert: string; runbook: string | undefined }>> {
  const alerts: Array<{ file: string; alert: string; runbook: string | undefined }> = [];
  for (const file of (await readdir(RULES_DIR)).filter((name) => name.endsWith(".yml")).sort()) {
    const parsed = parse(await readFile(join(RULES_DIR, file), "utf8")) as RuleFile;
    for (const group of parsed.groups) {
      for (const rule of group.rules) if (rule.alert) alerts.push({ file, alert: rule.alert, runbook: rule.annotations?.runbook_url });
    }
  }
  return alerts;
}

describe("runbooks (happy)", () => {
  it("every alert rule has a runbook_url to an existing section of a docs/ page", async () => {
    const alerts = await alertRules();
    expect(alerts.length).toBeGreaterThan(0);
    const pages = new Map<string, Set<string>>();
    const problems: string[] = [];
    for (const { file, alert, runbook } of alerts) {
      const link = runbook === undefined ? null : /^(docs\/[\w.-]+\.md)#([\p{L}\p{N}_-]+)$/u.exec(runbook);
      if (!link) {
        problems.push(`${file} ${alert}: runbook_url ${runbook === undefined ? "missing" : `"${runbook}" is not docs/<page>.md#<anchor>`}`);
        continue;
      }
      const [, page, anchor] = link as unknown as [string, string, string];
      if (!pages.has(page)) pages.set(page, anchorsOf(await readFile(join(ROOT, page), "utf8").catch(() => "")));
      if (!pages.get(page)?.has(anchor)) problems.push(`${file} ${alert}: ${page} has no section #${anchor}`);
    }
    expect(problems).toEqual([]);
  });

  it("links inside docs/runbooks.md point at sections that exist", async () => {
    const markdown = await readFile(join(ROOT, "docs", "runbooks.md"), "utf8");
    const anchors = anchorsOf(markdown);
    const broken = [...markdown.matchAll(/\]\(#([^)]+)\)/g)].map((match) => match[1] as string).filter((anchor) => !anchors.has(anchor));
    expect(broken).toEqual([]);
  });
});
