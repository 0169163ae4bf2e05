/**
 * `npm run user:promote -- <username> [--role admin] [--remote]`: gives an
 * existing account a role without the public API (the first admin is made this
 * way). Local by default (the `npm run dev` D1 in .state/); `--remote` runs the
 * same SQL against the deployed D1. New roles appear in tokens from the next
 * login or refresh.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../dev/stack.ts";

const ROLES = ["reader", "vip_reader", "writer", "signed_writer", "master", "admin"];
const args = process.argv.slice(2);
const username = args.find((arg) => !arg.startsWith("--") && args[args.indexOf(arg) - 1] !== "--role");
const roleIndex = args.indexOf("--role");
const role = roleIndex >= 0 ? args[roleIndex + 1] : "admin";
const remote = args.includes("--remote");

function fail(message: string): never {
  console.error(`user:promote: ${message}`);
  process.exit(1);
}

if (!username) fail("usage: npm run user:promote -- <username> [--role admin|writer|...] [--remote]");
// Both values are checked against strict patterns because wrangler's --command takes no bind parameters.
if (!/^[A-Za-z0-9_]{3,32}$/.test(username)) fail(`'${username}' is not a valid username (3-32 letters, digits, underscores)`);
if (!role || !ROLES.includes(role)) fail(`role must be one of ${ROLES.join(", ")}`);

const where = `username_lower = '${username.toLowerCase()}'`;
const sql = [
  `UPDATE users SET roles = CASE WHEN EXISTS (SELECT 1 FROM json_each(users.roles) WHERE value = '${role}') THEN roles ELSE json_insert(roles, '$[#]', '${role}') END, updated_at = ${Date.now()} WHERE ${where};`,
  `SELECT username, roles FROM users WHERE ${where};`,
].join(" ");

const location = remote ? ["--remote"] : ["--local", "--persist-to", join(process.env.QINGYU_STATE_DIR ?? join(ROOT, ".state"), "wrangler")];
const result = spawnSync(process.execPath, [join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js"), "d1", "execute", "DB", ...location, "--json", "--command", sql], {
  cwd: ROOT,
  encoding: "utf8",
  env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
});
if (result.status !== 0) fail(`wrangler d1 execute failed:\n${result.stderr || result.stdout}`);

const batches = JSON.parse(result.stdout) as Array<{ results: Array<{ username: string; roles: string }> }>;
const row = batches.at(-1)?.results[0];
if (!row) fail(`no account named '${username}' in the ${remote ? "remote" : "local"} database`);
console.log(`${row.username} now has roles ${row.roles}. New roles take effect at the next login or token refresh.`);
