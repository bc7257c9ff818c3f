import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { buildSchema, getMetadataStorage } from "type-graphql";
import { eventBus } from "@/server/events/bus";
import { authChecker } from "./auth-checker";
import { RejectNul } from "./shared/reject-nul";
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
  });
  return schema;
}
