/**
 * The layering rules of src/ (README, "Layout"). `npm run lint:layers` prints the
 * violations; src/layering.test.ts runs the same rules in `npm test`.
 *
 *   app/ ─────────────┐
 *   graphql/, auth/ ──┤  (the edges: pages, route handlers, API, sessions)
 *   domain/<d>/ ──────┤  (services, rules, repositories)
 *   base ─────────────┘  db/, events/, domain/shared/, auth/password.ts, lib/
 *
 * Arrows point down only. components/ and lib/ run in the browser too and never
 * import server/.
 */
const BASE = "^src/(lib/|server/(db|events|domain/shared)/|server/auth/password\\.ts$)";
const DOMAIN = "^src/server/domain/(?!shared/)[^/]+/";
const EDGE = "^src/(app|server/graphql|server/auth|server/jobs)/";
const TESTS = "(\\.test\\.ts$|^src/test/)";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "client-imports-server",
      comment: "components/ and lib/ are bundled for the browser: they never import server/ (or app/).",
      severity: "error",
      from: { path: "^src/(components|lib)/" },
      to: { path: "^src/(server|app)/" },
    },
    {
      name: "base-imports-upward",
      comment: "The shared base (db, events, domain/shared, auth/password, lib) imports no domain and no edge.",
      severity: "error",
      from: { path: BASE, pathNot: TESTS },
      to: { path: `${DOMAIN}|${EDGE}|^src/components/`, pathNot: "^src/server/auth/password\\.ts$" },
    },
    {
      name: "domain-imports-edge",
      comment: "Domains never import the API, pages, sessions or jobs (password hashing is base).",
      severity: "error",
      from: { path: DOMAIN, pathNot: TESTS },
      to: { path: `${EDGE}|^src/components/`, pathNot: "^src/server/auth/password\\.ts$" },
    },
    {
      name: "foreign-repository",
      comment: "A domain calls another domain's service, never its repository.",
      severity: "error",
      from: { path: "^src/server/domain/([^/]+)/", pathNot: TESTS },
      to: { path: "^src/server/domain/[^/]+/[^/]+\\.repository\\.ts$", pathNot: "^src/server/domain/$1/" },
    },
    {
      name: "foreign-internals",
      comment: "Of another domain, import its service and its types only (its rules, errors and repository are its own).",
      severity: "error",
      from: { path: "^src/server/domain/([^/]+)/", pathNot: TESTS },
      to: { path: DOMAIN, pathNot: "^src/server/domain/$1/|\\.(service|types)\\.ts$" },
    },
    {
      name: "database-outside-repository",
      comment: "Only repositories (and db/ itself) reach the database; services may only open a unit of work.",
      severity: "error",
      from: { path: "^src/", pathNot: `^src/server/db/|\\.repository\\.ts$|^src/server/bootstrap\\.ts$|${TESTS}` },
      to: { path: "^src/server/db/", pathNot: "^src/server/db/unit-of-work\\.ts$" },
    },
    {
      name: "unit-of-work-outside-service",
      comment: "Transactions are opened by services; edges call services.",
      severity: "error",
      from: { path: "^src/", pathNot: `^src/server/db/|\\.(service|repository)\\.ts$|^src/server/bootstrap\\.ts$|${TESTS}` },
      to: { path: "^src/server/db/unit-of-work\\.ts$" },
    },
    {
      name: "edge-imports-repository",
      comment: "Pages, resolvers and route handlers call services, never repositories.",
      severity: "error",
      from: { path: EDGE },
      to: { path: "\\.repository\\.ts$" },
    },
    {
      name: "no-cycles",
      comment: "No import cycles in server code (type-only imports are erased and do not count).",
      severity: "error",
      from: { path: "^src/server/" },
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^src/server/db/generated/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
