/**
 * The part of MongoDB's query language the user store sends, evaluated the way
 * MongoDB does: equality matches an array that contains the value, `null`
 * matches a missing field, comparisons only compare numbers with numbers, and
 * `$or`/`$and` combine. An operator outside this list is refused, so the store
 * cannot start relying on something this stand-in does not check.
 */
type Doc = Record<string, unknown>;

const isObject = (value: unknown): value is Doc => typeof value === "object" && value !== null && !Array.isArray(value);

/** Thrown for a query the stand-in does not understand (answered as 400 InvalidParameter). */
export class UnsupportedQuery extends Error {}

function equals(field: unknown, value: unknown): boolean {
  if (value === null) return field === null || field === undefined;
  if (Array.isArray(field)) return field.some((item) => item === value);
  return field === value;
}

function compare(field: unknown, operator: string, operand: unknown): boolean {
  if (typeof field !== "number" || typeof operand !== "number") return false;
  if (operator === "$gt") return field > operand;
  if (operator === "$gte") return field >= operand;
  if (operator === "$lt") return field < operand;
  return field <= operand;
}

function matchesCondition(field: unknown, condition: unknown): boolean {
  if (!isObject(condition) || !Object.keys(condition).some((key) => key.startsWith("$"))) return equals(field, condition);
  return Object.entries(condition).every(([operator, operand]) => {
    switch (operator) {
      case "$gt":
      case "$gte":
      case "$lt":
      case "$lte":
        return compare(field, operator, operand);
      case "$ne":
        return !equals(field, operand);
      case "$in":
        if (!Array.isArray(operand)) throw new UnsupportedQuery("$in needs an array");
        return operand.some((value) => equals(field, value));
      case "$regex": {
        if (typeof operand !== "string") throw new UnsupportedQuery("$regex needs a string");
        const flags = typeof condition.$options === "string" ? condition.$options : "";
        if (!/^i?$/.test(flags)) throw new UnsupportedQuery(`unsupported $options ${flags}`);
        return typeof field === "string" && new RegExp(operand, flags).test(field);
      }
      case "$options":
        return true;
      default:
        throw new UnsupportedQuery(`unsupported operator ${operator}`);
    }
  });
}

/** Whether `doc` matches the query document `filter`. */
export function matches(doc: Doc, filter: Doc): boolean {
  return Object.entries(filter).every(([key, condition]) => {
    if (key === "$or" || key === "$and") {
      if (!Array.isArray(condition) || condition.length === 0 || !condition.every(isObject))
        throw new UnsupportedQuery(`${key} needs a non-empty array of queries`);
      return key === "$or" ? condition.some((inner) => matches(doc, inner)) : condition.every((inner) => matches(doc, inner));
    }
    if (key.startsWith("$")) throw new UnsupportedQuery(`unsupported operator ${key}`);
    return matchesCondition(doc[key], condition);
  });
}

/** Sorts by a `{field: 1 | -1}` document, fields in order. */
export function sortBy(documents: Doc[], sort: unknown): Doc[] {
  if (sort === undefined) return documents;
  if (!isObject(sort) || !Object.values(sort).every((direction) => direction === 1 || direction === -1))
    throw new UnsupportedQuery("sort needs {field: 1 | -1}");
  const order = Object.entries(sort) as Array<[string, 1 | -1]>;
  return [...documents].sort((a, b) => {
    for (const [field, direction] of order) {
      const [x, y] = [a[field], b[field]] as [string | number, string | number];
      if (x < y) return -direction;
      if (x > y) return direction;
    }
    return 0;
  });
}

/** Runs an aggregation pipeline of `$match` and `$count` stages. */
export function aggregate(documents: Doc[], pipeline: unknown): Doc[] {
  if (!Array.isArray(pipeline)) throw new UnsupportedQuery("pipeline must be an array");
  let rows = documents;
  for (const stage of pipeline) {
    if (!isObject(stage) || Object.keys(stage).length !== 1) throw new UnsupportedQuery("each stage has one operator");
    if (isObject(stage.$match)) rows = rows.filter((doc) => matches(doc, stage.$match as Doc));
    else if (typeof stage.$count === "string") rows = rows.length === 0 ? [] : [{ [stage.$count]: rows.length }];
    else throw new UnsupportedQuery(`unsupported stage ${Object.keys(stage)[0]}`);
  }
  return rows;
}
