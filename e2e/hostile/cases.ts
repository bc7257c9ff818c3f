import fc from "fast-check";

/** One generated request: what it tries, and the request itself. */
export interface HostileCase {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** Send the signed-in member's cookie. */
  signedIn: boolean;
}

const JSON_TYPE = { "content-type": "application/json" };
const gql = (query: string, variables?: unknown, signedIn = true): HostileCase => ({
  kind: "", method: "POST", path: "/api/graphql", headers: JSON_TYPE, body: JSON.stringify(variables === undefined ? { query } : { query, variables }), signedIn,
});

/** Root fields that take ids or cursors, with the argument to abuse (and the rest made valid). */
const ID_FIELDS: readonly { field: string; arg: string; rest?: string; select: string; mutation?: boolean }[] = [
  { field: "member", arg: "id", select: "{ id }" },
  { field: "order", arg: "id", select: "{ id }" },
  { field: "product", arg: "id", select: "{ id }" },
  { field: "downline", arg: "memberId", select: "{ totalCount }" },
  { field: "downline", arg: "after", select: "{ totalCount }" },
  { field: "orders", arg: "after", select: "{ totalCount }" },
  { field: "members", arg: "after", select: "{ totalCount }" },
  { field: "auditLog", arg: "after", select: "{ totalCount }" },
  { field: "outbox", arg: "after", select: "{ totalCount }" },
  { field: "memberSessions", arg: "memberId", select: "{ id }" },
  { field: "signOutSession", arg: "id", select: "{ signedOut }", mutation: true },
  { field: "resetPassword", arg: "token", rest: `, password: "A-new-secret-77"`, select: "{ reset }", mutation: true },
  { field: "commissionRun", arg: "id", select: "{ id }" },
  { field: "ledgerPostings", arg: "accountId", select: "{ totalCount }" },
  { field: "ledgerAccounts", arg: "after", select: "{ totalCount }" },
];

/** Strings meant to break parsers, SQL, paths and number handling. */
const NASTY = fc.oneof(
  fc.constantFrom(
    "", " ", "0", "-1", "1e309", "NaN", "Infinity", "9".repeat(40), "1.5", "0x1F", "1' OR '1'='1", "1; DROP TABLE member; --", "' UNION SELECT password_hash FROM member --",
    "../../etc/passwd", "%00", "\u0000", "\ud800", "😀".repeat(50), "<script>alert(1)</script>", "${7*7}", "{{7*7}}", "null", "undefined", "[]", "{}",
    "Y3Vyc29yOjE=", "bWVtYmVyOi0x", "eyJpZCI6IjEnIE9SIDEifQ==", "a".repeat(10_000),
  ),
  fc.string({ maxLength: 300 }),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.base64String({ maxLength: 120 }),
);

/** Percent-encodes every UTF-8 byte (lone surrogates become U+FFFD, as a browser sends them). */
const pct = (v: string) => Array.from(Buffer.from(v, "utf8"), (b) => `%${b.toString(16).padStart(2, "0")}`).join("");

function nested(depth: number, leaf: string, field: string): string {
  return `${`${field} { `.repeat(depth)}${leaf}${" }".repeat(depth)}`;
}

/** The generated cases, the same every run for a seed; `total` of them across the kinds. */
export function hostileCases(seed: number, total: number): HostileCase[] {
  const cases: HostileCase[] = [];
  const params = (n: number) => ({ seed: seed + cases.length, numRuns: n });
  const share = (weight: number) => Math.max(1, Math.round((total * weight) / 100));
  const add = (kind: string, list: HostileCase[]) => cases.push(...list.map((c) => ({ ...c, kind })));

  // Deep nesting, of real fields (the armor's depth limit) and of made-up ones.
  add("deep nesting", fc.sample(fc.tuple(fc.integer({ min: 13, max: 2000 }), fc.constantFrom("sponsor", "me", "x", "node")), params(share(8))).map(([d, f]) =>
    gql(`query { me { ${nested(d, "id", f === "me" ? "sponsor" : f)} } }`)));

  // Alias floods.
  add("alias flood", fc.sample(fc.tuple(fc.integer({ min: 16, max: 20_000 }), fc.constantFrom("__typename", "me { id }", "viewerGrants { permission }")), params(share(8))).map(([n, sel]) =>
    gql(`query { ${Array.from({ length: n }, (_, i) => `a${i}: ${sel}`).join(" ")} }`)));

  // Fragment cycles and fragment bombs.
  add("fragment cycle", fc.sample(fc.integer({ min: 1, max: 300 }), params(share(6))).map((n) => {
    const names = Array.from({ length: n + 1 }, (_, i) => `F${i}`);
    const defs = names.map((name, i) => `fragment ${name} on Query { __typename ...${names[(i + 1) % names.length]} }`).join("\n");
    return gql(`query { ...F0 }\n${defs}`);
  }));
  add("fragment bomb", fc.sample(fc.integer({ min: 2, max: 40 }), params(share(2))).map((n) => {
    const defs = Array.from({ length: n }, (_, i) => `fragment B${i} on Query { ${i + 1 < n ? `...B${i + 1} ...B${i + 1}` : "viewerGrants { permission }"} }`).join("\n");
    return gql(`query { ...B0 }\n${defs}`);
  }));

  // Huge strings, huge variables, directive floods.
  add("huge string", fc.sample(fc.integer({ min: 10_000, max: 1_500_000 }), params(share(4))).map((n) =>
    gql(`mutation { requestPasswordReset(email: "${"a".repeat(n)}@x.test") { requested } }`)));
  add("huge variables", fc.sample(fc.tuple(fc.integer({ min: 1_000, max: 200_000 }), fc.constantFrom("list", "string", "object")), params(share(4))).map(([n, shape]) =>
    gql(`query($id: ID!) { member(id: $id) { id } }`, shape === "list" ? { id: Array.from({ length: n }, (_, i) => i) } : shape === "string" ? { id: "9".repeat(n) } : { id: { nested: "x".repeat(n) } })));
  add("directive flood", fc.sample(fc.integer({ min: 11, max: 5_000 }), params(share(2))).map((n) =>
    gql(`query { __typename ${"@include(if: true) ".repeat(n)} }`)));
  add("token flood", fc.sample(fc.integer({ min: 3_001, max: 100_000 }), params(share(2))).map((n) =>
    gql(`query { me(${Array.from({ length: Math.ceil(n / 4) }, (_, i) => `a${i}: 1`).join(", ")}) { id } }`)));

  // Batched requests (arrays of operations).
  add("batched array", fc.sample(fc.integer({ min: 0, max: 500 }), params(share(6))).map((n) => ({
    kind: "", method: "POST", path: "/api/graphql", headers: JSON_TYPE, signedIn: true,
    body: JSON.stringify(Array.from({ length: n }, () => ({ query: "{ me { id } }" }))),
  })));

  // Malformed JSON and bodies that are not JSON at all.
  const broken = fc.oneof(
    fc.json().map((j) => j.slice(0, Math.max(0, j.length - 1))),
    fc.json().map((j) => `${j}}`),
    fc.jsonValue().map((v) => JSON.stringify({ query: v })),
    fc.jsonValue().map((v) => JSON.stringify({ query: "{ __typename }", variables: v, operationName: v })),
    fc.string({ unit: "binary", maxLength: 500 }),
    fc.constantFrom("", "null", "[]", "{}", "\"\"", "0", "{\"query\":", "{\"query\":\"{\"}", "\u0000\u0001", "{\"query\":\"{ me { id } }\",\"extensions\":{\"persistedQuery\":{\"version\":1,\"sha256Hash\":\"x\"}}}"),
  );
  add("malformed JSON", fc.sample(broken, params(share(14))).map((body) => ({ kind: "", method: "POST", path: "/api/graphql", headers: JSON_TYPE, body, signedIn: true })));
  add("invalid UTF-8", fc.sample(fc.uint8Array({ minLength: 1, maxLength: 400 }), params(share(3))).map((bytes) => ({ kind: "", method: "POST", path: "/api/graphql", headers: JSON_TYPE, body: bytes, signedIn: true })));

  // Wrong content types and methods.
  const types = fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "application/graphql", "application/json; charset=latin1", "*/*", "");
  add("wrong content type", fc.sample(fc.tuple(types, fc.constantFrom(`{"query":"{ me { id } }"}`, "query { me { id } }", "a=1&b=2", "--x\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{}\r\n--x--")), params(share(7))).map(([type, body]): HostileCase => ({
    kind: "", method: "POST", path: "/api/graphql", headers: type ? { "content-type": type } : {}, body, signedIn: true,
  })));
  add("wrong method", fc.sample(fc.tuple(fc.constantFrom("PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "GET"), fc.string({ maxLength: 200 })), params(share(4))).map(([method, q]) => ({
    kind: "", method, path: `/api/graphql?query=${pct(q)}&variables=${pct(q)}`, headers: { "apollo-require-preflight": "1" }, signedIn: true,
  })));
  add("GET mutation", fc.sample(fc.constant(0), params(share(1))).map(() => ({
    kind: "", method: "GET", path: `/api/graphql?query=${encodeURIComponent("mutation { signOutAllSessions { signedOut } }")}`, headers: { "apollo-require-preflight": "1" }, signedIn: true,
  })));

  // Invalid ids and cursors, as literals and as variables.
  add("invalid id or cursor", fc.sample(fc.tuple(fc.constantFrom(...ID_FIELDS), NASTY, fc.boolean()), params(share(20))).map(([f, value, asVariable]) => {
    const op = f.mutation ? "mutation" : "query";
    const type = f.arg === "after" || f.arg === "token" ? "String" : "ID";
    return asVariable
      ? gql(`${op}($v: ${type}!) { ${f.field}(${f.arg}: $v${f.rest ?? ""}) ${f.select} }`, { v: value })
      : gql(`${op} { ${f.field}(${f.arg}: ${JSON.stringify(value)}${f.rest ?? ""}) ${f.select} }`);
  }));

  // Random documents: garbage, near-GraphQL, and valid syntax against unknown names.
  const word = fc.stringMatching(/^[_A-Za-z][_0-9A-Za-z]{0,12}$/);
  const docs = fc.oneof(
    fc.string({ maxLength: 400 }),
    fc.array(fc.constantFrom("{", "}", "(", ")", "query", "mutation", "subscription", "fragment", "on", "...", "$", ":", "@", "!", "[", "]", "\"", "me", "id", "#", "=", "1"), { maxLength: 200 }).map((t) => t.join(" ")),
    fc.tuple(word, word, word).map(([a, b, c]) => `query ${a} { ${b} { ${c} } }`),
    fc.tuple(word, NASTY).map(([a, v]) => `mutation { ${a}(input: ${JSON.stringify(v)}) { __typename } }`),
  );
  add("random document", fc.sample(docs, params(share(8))).map((q) => gql(q)));
  add("anonymous", fc.sample(fc.tuple(fc.constantFrom(...ID_FIELDS), NASTY), params(share(2))).map(([f, v]) =>
    gql(`${f.mutation ? "mutation" : "query"} { ${f.field}(${f.arg}: ${JSON.stringify(v)}${f.rest ?? ""}) ${f.select} }`, undefined, false)));

  // Pages and downloads with hostile parameters and paths.
  const pages = fc.constantFrom("/admin/members/", "/admin/orders/", "/admin/products/", "/admin/ledger/", "/admin/compensation/runs/", "/api/exports/payout-batches/", "/api/exports/personal-data?member=", "/api/exports/audit?actor=", "/api/exports/orders?status=", "/reset-password?token=", "/admin/audit?before=", "/admin/outbox?before=", "/genealogy?member=", "/orders?after=", "/admin/members?after=", "/admin/withdrawals?before=", "/earnings?period=", "/earnings?after=", "/wallet?after=", "/admin/ledger?after=", "/admin/ledger?owner=", "/admin/orders?after=", "/api/exports/orders?from=", "/api/schema?x=");
  add("hostile page parameter", fc.sample(fc.tuple(pages, NASTY), params(share(8))).map(([page, v]) => ({
    kind: "", method: "GET", path: `${page}${pct(v.slice(0, 1500))}`, headers: {}, signedIn: true,
  })));
  add("bearer garbage", fc.sample(NASTY, params(share(2))).map((v) => ({
    kind: "", method: "POST", path: "/api/graphql", headers: { ...JSON_TYPE, authorization: `Bearer ${pct(v).slice(0, 300)}` }, body: JSON.stringify({ query: "{ __typename }" }), signedIn: false,
  })));
  return cases;
}
