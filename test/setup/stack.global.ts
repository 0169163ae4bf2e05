/** Starts the whole local stack once for the end-to-end tests, on free ports and a temporary state folder. */
import { rm } from "node:fs/promises";
import type { TestProject } from "vitest/node";
import { startStack } from "../../dev/stack.ts";
import { randomStackOptions } from "../support/stack-options.ts";

declare module "vitest" {
  export interface ProvidedContext {
    apiUrl: string;
    exporterUrl: string;
    bridgeUrl: string;
    redisToken: string;
    metricsToken: string;
    stateDir: string;
  }
}

export default async function setup(project: TestProject) {
  const options = await randomStackOptions("qingyu-e2e-");
  const stack = await startStack({ ...options, progress: (line) => console.log(`[e2e stack] ${line}`) });
  project.provide("apiUrl", stack.apiUrl);
  project.provide("exporterUrl", stack.exporterUrl);
  project.provide("bridgeUrl", stack.bridgeUrl);
  project.provide("redisToken", stack.redisToken);
  project.provide("metricsToken", stack.metricsToken);
  project.provide("stateDir", options.stateDir);
  return async () => {
    await stack.stop();
    await rm(options.stateDir, { recursive: true, force: true });
  };
}
