import Link from "next/link";
import { LIMITS as QUERY_LIMITS } from "@/server/graphql/armor";
import { LIMITS as RATE_LIMITS } from "@/server/auth/rate-limit";

export const metadata = { title: "API" };

function Code({ children }: { children: string }) {
  return <pre className="overflow-x-auto rounded-md bg-gray-900 p-3 text-xs leading-relaxed text-gray-100"><code>{children}</code></pre>;
}

/** The integrators' page: how to authenticate, the main queries and subscriptions, the limits. */
export default function ApiDocsPage() {
  return (
    <main className="mx-auto max-w-3xl space-y-6 px-4 py-8 text-sm leading-relaxed">
      <div>
        <h1 className="text-2xl font-semibold">GraphQL API</h1>
        <p className="text-gray-600">One endpoint, <code>/api/graphql</code>: queries and mutations over HTTP POST, subscriptions over WebSocket (graphql-ws). The schema is published as <a className="text-blue-700 hover:underline" href="/api/schema">schema.graphql</a>; changes that would break clients are announced in the repository&apos;s <code>schema-changes.md</code>.</p>
      </div>

      <section className="space-y-2" id="auth">
        <h2 className="text-lg font-semibold">Authentication</h2>
        <p>Other systems use an <strong>API key</strong>, made by an admin under <Link className="text-blue-700 hover:underline" href="/admin/api-keys">Admin → API keys</Link> with the scopes it needs (for example <code>orders.read</code>, <code>members.read</code>, <code>loyalty.grant</code>). The key is shown once; send it on every request:</p>
        <Code>{`curl -s https://your-company.example/api/graphql \\
  -H "Authorization: Bearer mlm_abcd1234_…" -H "content-type: application/json" \\
  -d '{"query":"{ orders(first: 5) { totalCount nodes { id status total currency } } }"}'`}</Code>
        <p>An unknown, revoked or expired key is answered with HTTP 401 and <code>UNAUTHENTICATED</code>. A key sees exactly what its scopes allow, for the whole company; it is nobody&apos;s own account (so it cannot transfer money or request withdrawals). The app&apos;s own pages use the session cookie of a signed-in member instead.</p>
      </section>

      <section className="space-y-2" id="queries">
        <h2 className="text-lg font-semibold">Main queries and mutations</h2>
        <Code>{`# a distributor's dashboard (the signed-in member, or any member for members.read / volumes.read)
query Dashboard($id: ID) {
  volumeSummary(memberId: $id) { pv gv leftLeg rightLeg period { startsAt endsAt } }
  teamStats(memberId: $id) { teamSize directs newThisWeek }
  loyaltyAccount(memberId: $id) { balances { pointType balance pending } tier { name } }
}

# members (members.read; e-mail and phone need members.personal)
query { members(first: 50, filter: { country: "DE" }) { totalCount nodes { id firstName lastName country email } pageInfo { hasNextPage endCursor } } }

# orders (orders.read) and placing one for a member (orders.write)
query { orders(first: 20, filter: { status: PAID }) { nodes { id memberId total currency pv placedAt } } }
mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id total } errors { field code message } } }

# a loyalty event from another system (loyalty.grant)
mutation { recordLoyaltyEvent(input: { memberId: "42", event: "training.completed", idempotencyKey: "lms-8812" }) { event { applied points } errors { field code } } }`}</Code>
        <p>Lists are connections (<code>first</code>, <code>after</code>, <code>pageInfo</code>). Bad input comes back in the mutation&apos;s <code>errors</code> as <code>{`{ field code message }`}</code>; access problems are <code>UNAUTHENTICATED</code> or <code>FORBIDDEN</code>. Money and points mutations take an <code>idempotencyKey</code>: repeating a request never does it twice.</p>
      </section>

      <section className="space-y-2" id="privacy">
        <h2 className="text-lg font-semibold">Personal data and sign-in</h2>
        <Code>{`# a member's data, as one JSON file (the member's own session, or members.personal covering them)
GET /api/exports/personal-data            GET /api/exports/personal-data?member=42

# erase a member's personal data on their request (members.erase; people only, never an API key)
mutation { erasePersonalData(memberId: "42", reason: "Request of 3 March, ticket 1234") { erasure { ordersAnonymised } errors { field code message } } }

# sign a member out of every device (members.write), e.g. after a lost phone
mutation { signOutAllSessions(memberId: "42") { signedOut errors { field message } } }`}</Code>
        <p>Erasure keeps the member&apos;s ledger, orders, volumes and commissions under an anonymous member, so totals still add up; it is refused while they hold roles or a withdrawal is on its way.</p>
      </section>

      <section className="space-y-2" id="subscriptions">
        <h2 className="text-lg font-semibold">Subscriptions</h2>
        <p>Connect to <code>wss://your-company.example/api/graphql</code> with graphql-ws and pass the key in the connection parameters; a bad key closes the socket with code 4403.</p>
        <Code>{`import { createClient } from "graphql-ws";
const client = createClient({
  url: "wss://your-company.example/api/graphql",
  connectionParams: { authorization: "Bearer mlm_abcd1234_…" },
});
client.subscribe({ query: "subscription { orderPlaced { id memberName total currency } }" }, {
  next: ({ data }) => console.log(data.orderPlaced), error: console.error, complete: () => {},
});`}</Code>
        <ul className="list-disc pl-5">
          <li><code>orderPlaced</code>: every new order (orders.read)</li>
          <li><code>volumeUpdated(memberId)</code>, <code>teamChanged(memberId)</code>: a member&apos;s volume and team as they change</li>
          <li><code>walletUpdated(memberId)</code>, <code>pointsUpdated(memberId)</code>: balances and points</li>
          <li><code>commissionRunProgress(runId)</code>: a commission run as it moves (commissions.read)</li>
        </ul>
      </section>

      <section className="space-y-2" id="limits">
        <h2 className="text-lg font-semibold">Limits</h2>
        <ul className="list-disc pl-5">
          <li>Per document: depth {QUERY_LIMITS.maxDepth}, {QUERY_LIMITS.maxAliases} aliases, {QUERY_LIMITS.maxDirectives} directives, {QUERY_LIMITS.maxTokens} tokens, cost {QUERY_LIMITS.maxCost.toLocaleString("en-US")}. One operation per request (no batched arrays). A body that is not JSON, or larger than 2 MB, is refused with HTTP 400 or 413.</li>
          <li>Per API key: {RATE_LIMITS.apiKey.points} requests a minute; beyond that HTTP 429 with <code>RATE_LIMITED</code> and a <code>Retry-After</code> header.</li>
          <li>Introspection and field suggestions are off in production: use the published schema.</li>
        </ul>
      </section>
    </main>
  );
}
