import "reflect-metadata";
import { GraphQLScalarType, type GraphQLSchema } from "graphql";
import { buildSchema, getMetadataStorage } from "type-graphql";
import { eventBus } from "@/server/events/bus";
import { authChecker } from "./auth-checker";
import { RejectNul, rejectNul } from "./shared/reject-nul";
import { AccessResolver } from "./modules/access/access.resolver";
import { CompensationResolver } from "./modules/compensation/compensation.resolver";
import { CatalogResolver } from "./modules/catalog/catalog.resolver";
import { CustomerResolver } from "./modules/customer/customer.resolver";
import { DashboardResolver } from "./modules/analytics/dashboard.resolver";
import { LoyaltyResolver } from "./modules/loyalty/loyalty.resolver";
import { CommunicationResolver } from "./modules/communication/communication.resolver";
import { GenealogyResolver } from "./modules/genealogy/genealogy.resolver";
import { MemberResolver } from "./modules/member/member.resolver";
import { PrivacyResolver } from "./modules/privacy/privacy.resolver";
import { OrderResolver } from "./modules/order/order.resolver";
import { VolumeResolver } from "./modules/volume/volume.resolver";
import { WebhookResolver } from "./modules/webhook/webhook.resolver";
import { WalletResolver } from "./modules/wallet/wallet.resolver";

let schema: Promise<GraphQLSchema> | undefined;

/** Built once per module graph (never shared across graphs: each has its own graphql). */
export function getSchema(): Promise<GraphQLSchema> {
  // Plain fields (no resolver method) read the property with GraphQL's default resolver:
  // without this, type-graphql wraps every one of them in its middleware chain (RejectNul
  // only looks at arguments, and no plain field has any), a fifth of a downline page's CPU.
  // A type with an @Authorized or @UseMiddleware field keeps the chain for its fields.
  const storage = getMetadataStorage();
  const guarded = new Set<Function>([...storage.authorizedFields, ...storage.middlewares].map((m) => m.target));
  for (const t of storage.objectTypes) if (!guarded.has(t.target)) t.simpleResolvers ??= true;
  schema ??= buildSchema({
    resolvers: [AccessResolver, MemberResolver, GenealogyResolver, CatalogResolver, CustomerResolver, OrderResolver, VolumeResolver, WalletResolver, CompensationResolver, LoyaltyResolver, WebhookResolver, CommunicationResolver, PrivacyResolver, DashboardResolver],
    authChecker,
    globalMiddlewares: [RejectNul],
    pubSub: eventBus(),
    // Inputs are validated by each domain's rules (one way, the same for forms and API).
    validate: false,
  }).then((built) => {
    directSubscriptionResolvers(built);
    return built;
  });
  return schema;
}

type SubscriptionParam = NonNullable<ReturnType<typeof getMetadataStorage>["subscriptions"][number]["params"]>[number];

/** The event itself, or an argument of a scalar type (passed to the method as GraphQL coerced it). */
function plainParam(p: SubscriptionParam): boolean {
  if (p.kind === "root") return p.propertyName === undefined && [undefined, Object].includes(p.getType?.() as never);
  if (p.kind !== "arg") return false;
  const type = p.getType();
  return type instanceof GraphQLScalarType || type === String || type === Number || type === Boolean;
}

/**
 * A subscription's method maps each event (its @Root) to what the field returns; its
 * arguments were read and checked when the subscription started. Each event then calls
 * the method directly and synchronously: type-graphql's handler runs the global
 * middleware chain, which is async, so every event cost every subscriber a chain of
 * promises (with 10,000 screens open, most of the fan-out's cost besides the socket
 * writes). Only for subscriptions without @Authorized or @UseMiddleware whose parameters
 * are the event and scalar arguments; the arguments are checked as RejectNul checks them.
 */
function directSubscriptionResolvers(schema: GraphQLSchema): void {
  const fields = schema.getSubscriptionType()?.getFields() ?? {};
  for (const meta of getMetadataStorage().subscriptions) {
    const field = fields[meta.schemaName];
    const params = [...(meta.params ?? [])].sort((a, b) => a.index - b.index);
    if (!field || meta.roles || (meta.middlewares?.length ?? 0) > 0 || !params.every(plainParam)) continue;
    const instance = new (meta.target as new () => Record<string, (...values: unknown[]) => unknown>)();
    const method = instance[meta.methodName]!;
    const names = params.map((p) => (p.kind === "arg" ? p.name : null));
    field.resolve = (root, args: Record<string, unknown>) => {
      rejectNul(args);
      return method.apply(instance, names.map((name) => (name === null ? root : args[name])));
    };
  }
}
