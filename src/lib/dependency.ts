import { ApiError } from "../errors";

/**
 * Runs a call to an external dependency and turns its failure into a 503
 * (code 5003) that names the dependency, so an outage never reads as our own
 * 500. The original error stays as `cause` for the log.
 *
 * @example const sessions = await dependencyCall("redis", () => redis.zrange(key, 0, -1));
 */
export async function dependencyCall<T>(dependency: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError("DEPENDENCY_UNAVAILABLE", `${dependency} unavailable`, { cause: error, headers: { "Retry-After": "1" } });
  }
}
