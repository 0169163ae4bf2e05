/** Where two parsed config values differ, as one line per difference naming its path (`vars.LOG_LEVEL`, `durable_objects.bindings[1]`). */
export function configDifferences(left: unknown, right: unknown, names: { left: string; right: string }, path = ""): string[] {
  const shown = (value: unknown) => (value === undefined ? "nothing" : JSON.stringify(value));
  const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
  if (Array.isArray(left) && Array.isArray(right)) {
    const length = Math.max(left.length, right.length);
    return Array.from({ length }, (_, index) => configDifferences(left[index], right[index], names, `${path}[${index}]`)).flat();
  }
  if (isRecord(left) && isRecord(right)) {
    const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
    return keys.flatMap((key) => configDifferences(left[key], right[key], names, path === "" ? key : `${path}.${key}`));
  }
  if (Object.is(left, right)) return [];
  return [`${path || "(top level)"}: ${names.left} has ${shown(left)}, ${names.right} has ${shown(right)}`];
}
