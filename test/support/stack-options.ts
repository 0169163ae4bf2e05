/** Stack options for a test run: free ports, a fresh temporary state folder, random secrets, logs in files. */
import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getFreePort } from "../../dev/net.ts";
import { ROOT, type StackOptions } from "../../dev/stack.ts";

export async function randomStackOptions(prefix: string): Promise<StackOptions> {
  return {
    apiPort: await getFreePort(),
    exporterPort: await getFreePort(),
    redisPort: await getFreePort(),
    bridgePort: await getFreePort(),
    stateDir: await mkdtemp(join(tmpdir(), prefix)),
    workerOutput: "files",
    devVarsFiles: { api: join(ROOT, ".dev.vars.example"), exporter: join(ROOT, "monitoring", ".dev.vars.example") },
    redisToken: randomBytes(24).toString("hex"),
    metricsToken: randomBytes(24).toString("hex"),
    apiVars: { ENVIRONMENT: "test", LOG_LEVEL: "warn" },
  };
}

/** The same stack options (state folder, secrets) on fresh free ports: a restart as an operator or developer gets it. */
export async function onNewPorts(options: StackOptions): Promise<StackOptions> {
  return { ...options, apiPort: await getFreePort(), exporterPort: await getFreePort(), bridgePort: await getFreePort(), redisPort: await getFreePort() };
}
