/** Reading `KEY=value` files (.dev.vars): the launcher needs the dev tokens the Workers get. */
import { readFile } from "node:fs/promises";

/** Parses a dotenv-style file: `KEY=value` lines, `#` comments, optional surrounding quotes. Missing file → {}. */
export async function readEnvFile(path: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return {};
  }
  const values: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const equals = line.indexOf("=");
    if (equals <= 0) continue;
    const key = line.slice(0, equals).trim();
    values[key] = line.slice(equals + 1).trim().replace(/^(["'])(.*)\1$/, "$2");
  }
  return values;
}
