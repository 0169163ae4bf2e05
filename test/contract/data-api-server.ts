/**
 * A local stand-in for the MongoDB Atlas Data API v1, built from its published
 * contract (operation pages of atlas-data-api-v1): POST /action/{findOne, find,
 * insertOne, updateOne, deleteOne, aggregate}, `apiKey` header, JSON bodies with
 * dataSource/database/collection, documented success shapes ({document},
 * {documents}, {insertedId}, {matchedCount, modifiedCount}, {deletedCount}) and
 * errors ({error, error_code}; 401 InvalidSession). It rejects any request
 * that departs from the contract, so the adapter's requests are checked exactly.
 * Unique-index violations answer 400 with an E11000 message, as MongoDB words them.
 * Queries are evaluated by mongo-match.ts (the operators the store uses, no more).
 */
import { createServer, type Server } from "node:http";
import { aggregate, matches, sortBy, UnsupportedQuery } from "./mongo-match.ts";

type Doc = Record<string, unknown>;

export interface DataApiServer {
  url: string;
  requests: Array<{ action: string; headers: Record<string, string | string[] | undefined>; body: Doc }>;
  close(): Promise<void>;
}

const isObject = (value: unknown): value is Doc => typeof value === "object" && value !== null && !Array.isArray(value);

export async function startDataApiServer(options: { apiKey: string; dataSource: string; database: string; uniqueFields: string[] }): Promise<DataApiServer> {
  const documents: Doc[] = [];
  const requests: DataApiServer["requests"] = [];
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    req.on("end", () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      const action = /\/endpoint\/data\/v1\/action\/(\w+)$/.exec(req.url ?? "")?.[1];
      if (req.method !== "POST" || !action) return reply(404, { error: "no matching route", error_code: "NotFound" });
      if (req.headers.apikey !== options.apiKey) return reply(401, { error: "invalid session: error finding user for endpoint", error_code: "InvalidSession" });
      if (!/^application\/e?json/.test(req.headers["content-type"] ?? ""))
        return reply(400, { error: "unsupported content type", error_code: "InvalidParameter" });
      let body: Doc;
      try {
        body = JSON.parse(raw) as Doc;
      } catch {
        return reply(400, { error: "invalid JSON body", error_code: "InvalidParameter" });
      }
      requests.push({ action, headers: req.headers, body });
      if (body.dataSource !== options.dataSource || body.database !== options.database || typeof body.collection !== "string") {
        return reply(400, { error: "dataSource, database and collection are required", error_code: "MissingParameter" });
      }
      const filter = body.filter;
      try {
        return answer(action, body, filter, reply);
      } catch (error) {
        if (error instanceof UnsupportedQuery) return reply(400, { error: error.message, error_code: "InvalidParameter" });
        throw error;
      }
    });

    function answer(action: string, body: Doc, filter: unknown, reply: (status: number, body: unknown) => void) {
      switch (action) {
        case "findOne":
          if (!isObject(filter)) return reply(400, { error: "filter is required", error_code: "MissingParameter" });
          return reply(200, { document: documents.find((doc) => matches(doc, filter)) ?? null });
        case "find": {
          if (!isObject(filter)) return reply(400, { error: "filter is required", error_code: "MissingParameter" });
          const skip = typeof body.skip === "number" ? body.skip : 0;
          const limit = typeof body.limit === "number" ? body.limit : documents.length;
          return reply(200, {
            documents: sortBy(
              documents.filter((doc) => matches(doc, filter)),
              body.sort,
            ).slice(skip, skip + limit),
          });
        }
        case "aggregate":
          if (!Array.isArray(body.pipeline)) return reply(400, { error: "pipeline is required", error_code: "MissingParameter" });
          return reply(200, { documents: aggregate(documents, body.pipeline) });
        case "insertOne": {
          const document = body.document;
          if (!isObject(document)) return reply(400, { error: "document is required", error_code: "MissingParameter" });
          for (const field of options.uniqueFields) {
            if (documents.some((doc) => doc[field] === document[field])) {
              return reply(400, {
                error: `Failed to insert document: FunctionError: E11000 duplicate key error collection: ${options.database}.${body.collection} index: ${field}_1 dup key`,
                error_code: "GeneralError",
              });
            }
          }
          documents.push(document);
          return reply(201, { insertedId: document._id });
        }
        case "updateOne": {
          const update = body.update;
          if (!isObject(filter) || !isObject(update) || !Object.keys(update).every((key) => key.startsWith("$"))) {
            return reply(400, { error: "filter and an update of operators are required", error_code: "InvalidParameter" });
          }
          const target = documents.find((doc) => matches(doc, filter));
          const set = isObject(update.$set) ? update.$set : {};
          if (target) {
            for (const field of options.uniqueFields) {
              if (field in set && documents.some((doc) => doc !== target && doc[field] === set[field])) {
                return reply(400, { error: `Failed to update document: E11000 duplicate key error index: ${field}_1`, error_code: "GeneralError" });
              }
            }
            Object.assign(target, set);
          }
          return reply(200, { matchedCount: target ? 1 : 0, modifiedCount: target ? 1 : 0 });
        }
        case "deleteOne": {
          if (!isObject(filter)) return reply(400, { error: "filter is required", error_code: "MissingParameter" });
          const index = documents.findIndex((doc) => matches(doc, filter));
          if (index >= 0) documents.splice(index, 1);
          return reply(200, { deletedCount: index >= 0 ? 1 : 0 });
        }
        default:
          return reply(404, { error: `unknown action ${action}`, error_code: "NotFound" });
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no address");
  return {
    url: `http://127.0.0.1:${address.port}/app/qingyu-test/endpoint/data/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
