/** Starts the local mail catcher (dev/mail-catcher.ts) for the workerd tests: the queue consumer's `http` transport posts to it. */
import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { startMailCatcher } from "../../dev/mail-catcher.ts";

declare module "vitest" {
  export interface ProvidedContext {
    mailCatcherUrl: string;
    mailCatcherKey: string;
  }
}

export default async function setup(project: TestProject) {
  const key = randomBytes(16).toString("hex");
  const catcher = await startMailCatcher({ port: 0, key });
  project.provide("mailCatcherUrl", catcher.url);
  project.provide("mailCatcherKey", key);
  return () => catcher.stop();
}
