/** The {@link ScenarioContext} of one bench run against a started stack. */
import type { Stack } from "../dev/stack.ts";
import type { FetchJsonInit, ScenarioContext } from "./scenario.ts";

/** Setup requests are not measured, but a hung one must still not hang the run. */
const SETUP_REQUEST_TIMEOUT_MS = 30_000;
const ERROR_BODY_MAX_CHARS = 500;

/** Builds the context scenarios' setup and request builders receive. */
export function createContext(
  stack: Pick<Stack, "apiUrl" | "bridgeUrl" | "redisToken">,
  referenceUrl: string,
  progress: (line: string) => void,
): ScenarioContext {
  const memo = new Map<string, Promise<unknown>>();
  return {
    apiUrl: stack.apiUrl,
    referenceUrl,
    bridgeUrl: stack.bridgeUrl,
    redisToken: stack.redisToken,
    progress,
    async fetchJson<T = unknown>(pathOrUrl: string, init: FetchJsonInit = {}): Promise<T> {
      const url = new URL(pathOrUrl, stack.apiUrl);
      const method = init.method ?? (init.json === undefined ? "GET" : "POST");
      const headers: Record<string, string> = { accept: "application/json", ...init.headers };
      if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
      if (init.json !== undefined) headers["content-type"] = "application/json";
      const response = await fetch(url, {
        method,
        headers,
        body: init.json === undefined ? undefined : JSON.stringify(init.json),
        signal: AbortSignal.timeout(SETUP_REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${url.pathname} answered ${response.status}: ${text.slice(0, ERROR_BODY_MAX_CHARS)}`);
      return (text === "" ? undefined : JSON.parse(text)) as T;
    },
    once<T>(key: string, make: () => Promise<T>): Promise<T> {
      let promise = memo.get(key) as Promise<T> | undefined;
      if (promise === undefined) {
        promise = make();
        memo.set(key, promise);
      }
      return promise;
    },
  };
}
