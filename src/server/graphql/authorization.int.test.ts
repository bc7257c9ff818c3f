import {
  getNamedType, GraphQLEnumType, GraphQLInputObjectType, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLScalarType,
  isInputObjectType, isListType, isNonNullType, parse, subscribe, type ExecutionResult, type GraphQLField, type GraphQLInputType,
} from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { can, canSome, type ScopeTarget } from "@/server/domain/shared/access";
import { ALL_PERMISSIONS, BUILT_IN_ROLES, grantsOf, NOT_FOR_KEYS, type BuiltInRoleKey, type Permission } from "@/server/domain/shared/permissions";
import type { Viewer } from "@/server/domain/shared/viewer";
import type { MemberRecord } from "@/server/domain/member/member.types";
import { customerService } from "@/server/domain/customer/customer.service";
import { memberService } from "@/server/domain/member/member.service";
import { orderService } from "@/server/domain/order/order.service";
import { createContext } from "@/server/graphql/context";
import { formatError } from "@/server/graphql/errors";
import { getSchema } from "@/server/graphql/schema";
import { ADDRESS, createAdmin, createProduct, createRoot, orderKeyFor, placeUnder, usePlacement, viewerOf } from "@/test/factories";
import { gql } from "@/test/graphql";

/**
 * The authorization matrix, generated from the schema: every root field is called as
 * every persona, and the answer (refused with FORBIDDEN/UNAUTHENTICATED, or not) must
 * match the field's rule below. A root field without a rule fails the test. The target
 * of every call is Ava (a US distributor) or her order.
 */
type Rule =
  | { kind: "public" }
  | { kind: "signedIn" } // anyone signed in, API keys too (the answer is about the caller)
  | { kind: "member" } // a signed-in member acting on their own account; never an API key
  | { kind: "any"; p: Permission } // the permission for at least some members (lists narrow to those)
  | { kind: "company"; p: Permission } // the permission without limits
  | { kind: "self"; p: Permission; also?: Permission } // Ava herself, or the permission (or `also`) covering Ava
  | { kind: "covers"; p: Permission } // the permission covering Ava (being Ava does not count)
  | { kind: "team" } // Ava, her upline, or members.read / volumes.read covering her
  | { kind: "visible" }; // Ava, her upline or downline, or members.read covering her

const publicField: Rule = { kind: "public" };
const signedIn: Rule = { kind: "signedIn" };
const member: Rule = { kind: "member" };
const team: Rule = { kind: "team" };
const any = (p: Permission): Rule => ({ kind: "any", p });
const company = (p: Permission): Rule => ({ kind: "company", p });
const self = (p: Permission): Rule => ({ kind: "self", p });
const covers = (p: Permission): Rule => ({ kind: "covers", p });

export const RULES: Record<string, Rule> = {
  // access
  "Query.viewerGrants": signedIn,
  "Query.permissions": company("roles.manage"),
  "Query.roles": company("roles.manage"),
  "Query.roleAssignments": self("roles.manage"),
  "Query.auditLog": company("audit.read"),
  "Query.apiKeys": company("apikeys.manage"),
  "Mutation.saveRole": company("roles.manage"),
  "Mutation.deleteRole": company("roles.manage"),
  "Mutation.assignRole": company("roles.manage"),
  "Mutation.revokeRole": company("roles.manage"),
  "Mutation.previewMemberSelection": company("roles.manage"),
  "Mutation.assignRoleToSelection": company("roles.manage"),
  "Mutation.revokeRoleFromSelection": company("roles.manage"),
  "Mutation.createApiKey": company("apikeys.manage"),
  "Mutation.rotateApiKey": company("apikeys.manage"),
  "Mutation.revokeApiKey": company("apikeys.manage"),
  "Query.twoFactorStatus": member,
  "Mutation.beginTwoFactor": member,
  "Mutation.confirmTwoFactor": member,
  "Mutation.disableTwoFactor": member,
  "Query.mySessions": member,
  "Query.memberSessions": self("members.personal"),
  "Mutation.signOutSession": signedIn, // a session id nobody else can know: not found unless it is yours (or you cover its member)
  "Mutation.signOutAllSessions": self("members.write"),
  "Mutation.requestPasswordReset": publicField,
  "Mutation.resetPassword": publicField,
  // communication
  "Query.outbox": company("mail.read"),
  // privacy
  "Mutation.erasePersonalData": covers("members.erase"),
  // webhooks
  "Query.webhookEventTypes": company("webhooks.manage"),
  "Query.webhookEndpoints": company("webhooks.manage"),
  "Query.webhookDeliveries": company("webhooks.manage"),
  "Mutation.createWebhookEndpoint": company("webhooks.manage"),
  "Mutation.updateWebhookEndpoint": company("webhooks.manage"),
  "Mutation.deleteWebhookEndpoint": company("webhooks.manage"),
  "Mutation.replayWebhookDelivery": company("webhooks.manage"),
  // compensation
  "Query.compensationPlan": signedIn,
  "Query.planVersions": company("commissions.read"),
  "Query.commissionRun": company("commissions.read"),
  "Query.commissionRuns": company("commissions.read"),
  "Query.commissions": self("commissions.read"),
  "Query.commissionTotals": self("commissions.read"),
  "Query.estimatedEarnings": self("commissions.read"),
  "Query.rankReport": team,
  "Mutation.savePlanVersion": company("plans.edit"),
  "Mutation.activatePlanVersion": company("plans.edit"),
  "Mutation.simulatePlan": company("commissions.run"),
  "Mutation.startCommissionRun": company("commissions.run"),
  "Mutation.retryCommissionRun": company("commissions.run"),
  "Subscription.commissionRunProgress": company("commissions.read"),
  // catalog and customers
  "Query.products": publicField,
  "Query.product": publicField,
  "Query.warehouses": any("catalog.write"),
  "Mutation.createProduct": company("catalog.write"),
  "Mutation.updateProduct": company("catalog.write"),
  "Mutation.adjustStock": company("catalog.write"),
  "Query.customers": self("members.personal"),
  "Mutation.createCustomer": self("orders.write"),
  // loyalty
  "Query.loyaltyAccount": self("loyalty.read"),
  "Query.customerLoyalty": self("loyalty.read"), // Ava's retail customer
  "Query.pointsHistory": self("loyalty.read"),
  "Query.checkoutPoints": self("loyalty.read"),
  "Query.tiers": signedIn,
  "Query.badges": signedIn,
  "Query.rewards": signedIn,
  "Query.reward": signedIn,
  "Query.redemptions": self("loyalty.read"),
  "Query.loyaltyProgramVersions": company("loyalty.read"),
  "Query.loyaltyReport": company("loyalty.read"),
  "Query.pointsByMonth": self("loyalty.read"),
  "Query.missions": self("loyalty.read"),
  "Query.loyaltySegments": company("loyalty.read"),
  "Query.loyaltyCampaigns": company("loyalty.read"),
  "Query.missionReport": company("loyalty.read"),
  "Query.pointsGrantProgress": company("loyalty.grant"),
  "Query.notifications": self("members.read"),
  "Mutation.markNotificationsRead": member,
  "Mutation.redeemReward": self("loyalty.grant"),
  "Mutation.recordLoyaltyEvent": company("loyalty.grant"),
  "Mutation.saveLoyaltyProgram": company("loyalty.write"),
  "Mutation.saveLoyaltySegment": company("loyalty.write"),
  "Mutation.saveLoyaltyCampaign": company("loyalty.write"),
  "Mutation.saveReward": company("loyalty.write"),
  "Mutation.grantPoints": company("loyalty.grant"),
  "Mutation.releasePendingPoints": company("loyalty.grant"),
  "Mutation.setMemberTier": covers("loyalty.grant"),
  "Mutation.advanceRedemption": company("loyalty.write"),
  "Subscription.pointsUpdated": self("loyalty.read"),
  // members and genealogy
  "Query.downline": team,
  "Query.upline": team,
  "Query.teamStats": team,
  "Query.dashboard": team,
  "Query.me": publicField, // null when signed out
  "Query.member": { kind: "visible" },
  "Query.members": any("members.read"),
  "Query.profileHistory": self("members.personal"),
  "Mutation.registerMember": publicField,
  "Mutation.updateProfile": self("members.write"),
  "Mutation.setMemberTags": covers("members.write"),
  "Subscription.teamChanged": team,
  // orders
  "Query.orders": signedIn,
  "Query.order": { kind: "self", p: "orders.read", also: "orders.write" },
  "Mutation.placeOrder": self("orders.write"),
  "Mutation.markOrderPaid": self("orders.write"),
  "Mutation.shipOrder": covers("orders.write"),
  "Mutation.deliverOrder": covers("orders.write"),
  "Mutation.cancelOrder": self("orders.write"),
  "Mutation.refundOrder": covers("orders.write"),
  "Subscription.orderPlaced": company("orders.read"),
  // volume
  "Query.currentPeriod": signedIn,
  "Query.periods": signedIn,
  "Query.volumeSummary": team,
  "Mutation.closePeriod": company("periods.manage"),
  "Subscription.volumeUpdated": team,
  // wallet and ledger
  "Query.wallet": self("wallets.read"),
  "Query.walletTransactions": self("wallets.read"),
  "Query.withdrawals": signedIn,
  "Query.payoutBatches": company("payouts.manage"),
  "Query.trialBalance": company("wallets.read"),
  "Query.ledgerAccounts": company("wallets.read"),
  "Query.ledgerPostings": company("wallets.read"),
  "Mutation.transferFunds": member,
  "Mutation.setPayoutMethod": self("members.write"),
  "Mutation.requestWithdrawal": member,
  "Mutation.approveWithdrawal": company("withdrawals.approve"),
  "Mutation.rejectWithdrawal": company("withdrawals.approve"),
  "Mutation.approveWithdrawals": company("withdrawals.approve"),
  "Mutation.rejectWithdrawals": company("withdrawals.approve"),
  "Mutation.createPayoutBatch": company("payouts.manage"),
  "Mutation.markPayoutBatchPaid": company("payouts.manage"),
  "Mutation.adjustWallet": company("wallets.adjust"),
  "Subscription.walletUpdated": self("wallets.read"),
};

/** Personal data: visible to the member and to members.personal covering them, to nobody else. */
const PERSONAL_FIELDS = ["email", "phone", "birthDate"] as const;

/** Keys may hold any permission but these. */
const KEY_SCOPES = ALL_PERMISSIONS.filter((p) => !NOT_FOR_KEYS.includes(p));

interface Persona {
  name: string;
  viewer: Viewer | null;
}

let ava: MemberRecord;
let avaTarget: ScopeTarget;
let avaOrderId: number;
let avaCustomerId: number;
let productId: number;
const personas: Persona[] = [];

beforeAll(async () => {
  await usePlacement({ type: "UNILEVEL" });
  const adminRecord = await createAdmin();
  const root = await createRoot();
  ava = await placeUnder(root, { country: "US", firstName: "Ava" });
  ava = await memberService.updateProfile(viewerOf(ava), ava.id, { birthDate: "1990-05-17" });
  const bob = await placeUnder(root, { country: "US", firstName: "Bob" });
  avaTarget = { id: ava.id, country: ava.country, sponsorPath: ava.sponsorPath, placementPath: ava.placementPath };
  productId = (await createProduct(viewerOf(adminRecord))).id;
  avaCustomerId = (await customerService.create(viewerOf(ava), { firstName: "Rosa", lastName: "Buyer", country: "US" })).id;
  avaOrderId = (await orderService.place(viewerOf(ava), { lines: [{ productId, quantity: 1 }], currency: "USD", shippingAddress: ADDRESS, idempotencyKey: orderKeyFor() })).id;
  const staff = (await createAdmin()).id; // a staff account outside the tree; its grants are set per persona
  const roleOf = (key: BuiltInRoleKey, scope: { countries?: string[]; teamOf?: number } = {}): Viewer => ({ id: staff, role: "ADMIN", grants: grantsOf(key, scope) });
  personas.push(
    { name: "anonymous", viewer: null },
    { name: "distributor (self)", viewer: viewerOf(ava) },
    { name: "distributor (other line)", viewer: viewerOf(bob) },
    { name: "upline", viewer: viewerOf(root) },
    ...BUILT_IN_ROLES.filter((r) => r.key !== "leader" && r.key !== "distributor").map((r) => ({ name: r.key, viewer: roleOf(r.key) })),
    { name: "leader (of another team)", viewer: { ...viewerOf(bob), grants: grantsOf("leader", { teamOf: bob.id }) } },
    { name: "sub-admin for US (Ava's country)", viewer: roleOf("support", { countries: ["US"] }) },
    { name: "sub-admin for DE", viewer: roleOf("support", { countries: ["DE"] }) },
  );
});

const keyViewer = (scopes: readonly Permission[]): Viewer => ({ id: 0, role: "DISTRIBUTOR", grants: scopes.map((permission) => ({ permission, countries: null, teamOf: null })), apiKeyId: 1 });

/** The permissions a rule turns on (for the "API key without the scope" persona). */
function permissionsOf(rule: Rule): Permission[] {
  if ("p" in rule) return rule.kind === "self" && rule.also ? [rule.p, rule.also] : [rule.p];
  if (rule.kind === "team") return ["members.read", "volumes.read"];
  if (rule.kind === "visible") return ["members.read", "members.personal"];
  return [];
}

function expected(rule: Rule, viewer: Viewer | null): boolean {
  if (rule.kind === "public") return true;
  if (!viewer) return false;
  const isAva = viewer.id === ava.id && viewer.apiKeyId == null;
  const upline = viewer.apiKeyId == null && (avaTarget.sponsorPath.slice(0, -1).includes(viewer.id) || avaTarget.placementPath.slice(0, -1).includes(viewer.id));
  switch (rule.kind) {
    case "signedIn": return true;
    case "member": return viewer.apiKeyId == null;
    case "any": return canSome(viewer, rule.p);
    case "company": return can(viewer, rule.p);
    case "self": return isAva || can(viewer, rule.p, avaTarget) || (rule.also != null && can(viewer, rule.also, avaTarget));
    case "covers": return can(viewer, rule.p, avaTarget);
    case "team": return isAva || upline || can(viewer, "members.read", avaTarget) || can(viewer, "volumes.read", avaTarget);
    case "visible": return isAva || upline || can(viewer, "members.read", avaTarget) || can(viewer, "members.personal", avaTarget);
  }
}

const ORDER_FIELDS = new Set(["order", "markOrderPaid", "shipOrder", "deliverOrder", "cancelOrder", "refundOrder"]);

/** A value for an argument or input field: Ava (or her order) for ids, something well-typed otherwise. */
function valueFor(fieldName: string, argName: string, type: GraphQLInputType, depth = 0): unknown {
  if (TARGET_FIELDS.has(argName)) return String(ava.id);
  if (isNonNullType(type)) return valueFor(fieldName, argName, type.ofType, depth);
  if (isListType(type)) return [valueFor(fieldName, argName, type.ofType as GraphQLInputType, depth)];
  if (isInputObjectType(type)) return inputObject(fieldName, type, depth + 1);
  const named = getNamedType(type);
  if (named instanceof GraphQLEnumType) return named.getValues()[0]!.value;
  switch ((named as GraphQLScalarType).name) {
    case "ID":
      if (ORDER_FIELDS.has(fieldName) && (argName === "orderId" || argName === "id")) return String(avaOrderId);
      if (fieldName === "product" || argName === "productId") return String(productId);
      if (argName === "customerId") return String(avaCustomerId);
      return String(ava.id);
    case "Int": return 1;
    case "Float": return 1;
    case "Boolean": return false;
    case "Date": case "DateTime": return new Date().toISOString();
    case "JSON": return {};
    case "String": return argName === "provider" ? "test" : argName === "currency" ? "USD" : "x";
    default: return "x";
  }
}

const TARGET_FIELDS = new Set(["memberId", "distributorId"]);

function inputObject(fieldName: string, type: GraphQLInputObjectType, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of Object.values(type.getFields())) {
    if (isNonNullType(f.type) || TARGET_FIELDS.has(f.name)) out[f.name] = valueFor(fieldName, f.name, f.type, depth);
  }
  return out;
}

/** `query($a: T!) { field(a: $a) { __typename } }` with values for required (and member-targeting) arguments. */
function operationFor(kind: "query" | "mutation" | "subscription", field: GraphQLField<unknown, unknown>): { doc: string; variables: Record<string, unknown> } {
  const args = field.args.filter((a) => isNonNullType(a.type) || TARGET_FIELDS.has(a.name) || a.name === "provider" || (field.name === "redemptions" && a.name === "filter"));
  const variables = Object.fromEntries(args.map((a) => [a.name, valueFor(field.name, a.name, a.type)]));
  const defs = args.map((a) => `$${a.name}: ${a.type}`).join(", ");
  const call = args.map((a) => `${a.name}: $${a.name}`).join(", ");
  const named = getNamedType(field.type);
  const selection = named instanceof GraphQLObjectType ? " { __typename }" : "";
  return { doc: `${kind}${defs ? `(${defs})` : ""} { ${field.name}${call ? `(${call})` : ""}${selection} }`, variables };
}

const DENIED = new Set(["FORBIDDEN", "UNAUTHENTICATED"]);

function outcome(result: ExecutionResult | { errors?: readonly { extensions?: Record<string, unknown> }[] }): "allowed" | "denied" | string {
  const codes = (result.errors ?? []).map((e) => String(e.extensions?.code ?? "NO_CODE"));
  if (codes.some((c) => DENIED.has(c))) return "denied";
  const odd = codes.filter((c) => c === "INTERNAL_SERVER_ERROR" || c === "NO_CODE");
  return odd.length ? `error ${odd[0]}: ${(result.errors ?? [])[0] && (result.errors![0] as { message?: string }).message}` : "allowed";
}

async function call(kind: "query" | "mutation" | "subscription", field: GraphQLField<unknown, unknown>, viewer: Viewer | null): Promise<string> {
  const { doc, variables } = operationFor(kind, field);
  if (kind !== "subscription") return outcome(await gql(doc, variables, viewer));
  const result = await subscribe({ schema: await getSchema(), document: parse(doc), variableValues: variables, contextValue: createContext(viewer) });
  if (Symbol.asyncIterator in result) {
    await (result as AsyncGenerator).return?.(undefined);
    return "allowed";
  }
  return outcome({ errors: result.errors?.map((e) => formatError(e.toJSON(), e)) });
}

describe("authorization matrix", () => {
  it("every root field has a rule, and every rule a field", async () => {
    const schema = await getSchema();
    const names = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((t) => Object.keys(t!.getFields()).map((f) => `${t!.name}.${f}`));
    expect(names.filter((n) => !(n in RULES)), "root fields without an authorization rule").toEqual([]);
    expect(Object.keys(RULES).filter((n) => !names.includes(n)), "rules for fields that do not exist").toEqual([]);
  });

  it("every root field answers every persona as its rule says", async () => {
    const schema = await getSchema();
    const mismatches: string[] = [];
    let calls = 0;
    for (const [kind, type] of [["query", schema.getQueryType()], ["subscription", schema.getSubscriptionType()], ["mutation", schema.getMutationType()]] as const) {
      for (const field of Object.values(type!.getFields())) {
        const rule = RULES[`${type!.name}.${field.name}`];
        if (!rule) continue;
        const without = KEY_SCOPES.filter((p) => !permissionsOf(rule).includes(p));
        const all: Persona[] = [
          ...personas,
          { name: "API key with the scope", viewer: keyViewer(permissionsOf(rule).length ? permissionsOf(rule) : KEY_SCOPES) },
          { name: "API key without the scope", viewer: keyViewer(without) },
        ];
        for (const persona of all) {
          const got = await call(kind, field as GraphQLField<unknown, unknown>, persona.viewer);
          calls++;
          const want = expected(rule, persona.viewer) ? "allowed" : "denied";
          if (got !== want) mismatches.push(`${type!.name}.${field.name} as ${persona.name}: ${got}, expected ${want}`);
        }
      }
    }
    console.log(`authorization matrix: ${calls} calls, ${mismatches.length} mismatches`);
    expect(mismatches).toEqual([]);
  }, 300_000);

  it("personal data (e-mail, phone, birth date, shipping address) only for the member and members.personal covering them", async () => {
    for (const persona of [...personas, { name: "API key (members.read)", viewer: keyViewer(["members.read"]) }, { name: "API key (members.personal)", viewer: keyViewer(["members.read", "members.personal", "orders.read"]) }]) {
      const seesAll = persona.viewer != null && ((persona.viewer.id === ava.id && persona.viewer.apiKeyId == null) || can(persona.viewer, "members.personal", avaTarget));
      const res = await gql(`query($id: ID!) { member(id: $id) { ${PERSONAL_FIELDS.join(" ")} } }`, { id: String(ava.id) }, persona.viewer);
      const m = res.data?.member as Record<string, unknown> | undefined;
      for (const f of PERSONAL_FIELDS) {
        expect(m?.[f] != null, `${persona.name} sees ${f}`).toBe(seesAll);
      }
      const order = await gql(`query($id: ID!) { order(id: $id) { shippingAddress { line1 } } }`, { id: String(avaOrderId) }, persona.viewer);
      const address = (order.data?.order as { shippingAddress: unknown } | undefined)?.shippingAddress;
      expect(address != null, `${persona.name} sees the shipping address`).toBe(seesAll);
    }
  });

  it("member tags (staff labels) only for members.read covering the member, not the member", async () => {
    for (const persona of [...personas, { name: "API key (members.read)", viewer: keyViewer(["members.read"]) }]) {
      const res = await gql(`query($id: ID!) { member(id: $id) { tags } }`, { id: String(ava.id) }, persona.viewer);
      const tags = (res.data?.member as { tags: unknown } | undefined)?.tags;
      expect(tags != null, `${persona.name} sees the tags`).toBe(persona.viewer != null && can(persona.viewer, "members.read", avaTarget));
    }
  });
});
