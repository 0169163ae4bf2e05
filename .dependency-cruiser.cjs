/**
 * Layer rules, enforced by `npm run layers` in .ci/run (dependency-cruiser).
 * Layers: contract/ (schemas, results, views, money and calendar arithmetic, the
 * metrics wire format, the runtime-config schema) ← durable-objects/ (the
 * objects and their operations) and src/ (the API Worker) ← monitoring/src/
 * (the exporter, which reads only the contract). Test files may reach across
 * layers to set up what they test; production code may not.
 */
const TESTS = "\\.test\\.ts$";

module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      comment: "A cycle makes load order and ownership unclear; split the shared part into its own module (type-only imports count too).",
      severity: "error",
      from: { pathNot: TESTS },
      to: { circular: true },
    },
    {
      name: "contract-imports-only-contract",
      comment: "The contract is what every Worker and object agrees on; it cannot depend on any one of them.",
      severity: "error",
      from: { path: "^contract/", pathNot: TESTS },
      to: { path: "^(src|durable-objects|monitoring|dev|bench|scripts|test)/" },
    },
    {
      name: "objects-import-no-api-layer",
      comment: "Objects own state; routes, middleware, request services and the app are the API Worker's, and objects are called by them, not the other way round.",
      severity: "error",
      from: { path: "^durable-objects/", pathNot: TESTS },
      to: { path: "^src/(routes|middleware|services)/|^src/[^/]+/service\\.ts$|^src/(app|index)\\.ts$" },
    },
    {
      name: "routes-import-no-object-internals",
      comment: "Routes talk to an object through its typed client (<name>/client.ts) or its class's RPC interface (<name>/object.ts, ping.ts), never its operation files.",
      severity: "error",
      from: { path: "^src/routes/", pathNot: TESTS },
      to: { path: "^durable-objects/", pathNot: "^durable-objects/([^/]+/(object|client)|ping)\\.ts$" },
    },
    {
      name: "exporter-imports-only-contract",
      comment: "The exporter is its own Worker: sharing the API's code beyond the contract would ship and couple it.",
      severity: "error",
      from: { path: "^monitoring/src/", pathNot: TESTS },
      to: { path: "^(src|durable-objects|dev|bench|scripts|test)/" },
    },
  ],
  options: {
    // TypeScript 7 is not a parser dependency-cruiser supports; swc parses our TS (type-only imports included).
    parser: "swc",
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules|worker-configuration\\.d\\.ts$" },
  },
};
