import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import type { WebhookDeliveryRecord, WebhookEndpointRecord } from "@/server/domain/webhook/webhook.types";
import { webhookService } from "@/server/domain/webhook/webhook.service";
import type { Context } from "../../context";
import { parseId } from "../../shared/ids";
import { payload } from "../../shared/payload";
import { requireViewer } from "../../shared/viewer";
import {
  DeleteWebhookPayload, DeliveryStatus, NewWebhookEndpointPayload, WebhookDelivery, WebhookDeliveryPayload, WebhookEndpoint, WebhookEndpointInput,
  WebhookEndpointPayload, WebhookEventTypeInfo,
} from "./webhook.type";

const toEndpoint = (e: WebhookEndpointRecord) => ({ ...e, id: String(e.id) });
const toDelivery = (d: WebhookDeliveryRecord) => ({ ...d, endpointId: String(d.endpointId) });

@Resolver()
export class WebhookResolver {
  @Authorized("webhooks.manage")
  @Query(() => [WebhookEventTypeInfo], { description: "The events a webhook can subscribe to." })
  webhookEventTypes() {
    return webhookService.eventTypes();
  }

  @Authorized("webhooks.manage")
  @Query(() => [WebhookEndpoint])
  async webhookEndpoints(@Ctx() ctx: Context) {
    return (await webhookService.endpoints(requireViewer(ctx))).map(toEndpoint);
  }

  @Authorized("webhooks.manage")
  @Query(() => [WebhookDelivery], { description: "Deliveries newest first; `before` is the id of the last one seen." })
  async webhookDeliveries(
    @Ctx() ctx: Context,
    @Arg("endpointId", () => ID, { nullable: true }) endpointId?: string | null,
    @Arg("status", () => DeliveryStatus, { nullable: true }) status?: DeliveryStatus | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first = 50,
    @Arg("before", () => ID, { nullable: true }) before?: string | null,
  ) {
    const rows = await webhookService.deliveries(requireViewer(ctx), { endpointId: parseId(endpointId, "endpointId", "an endpoint id"), status: status ?? null }, first, before ?? null);
    return rows.map(toDelivery);
  }

  @Authorized("webhooks.manage")
  @Mutation(() => NewWebhookEndpointPayload, { description: "Registers a receiver; the signing secret is in the answer only." })
  createWebhookEndpoint(@Ctx() ctx: Context, @Arg("input", () => WebhookEndpointInput) input: WebhookEndpointInput) {
    const viewer = requireViewer(ctx);
    return payload("created", async () => {
      const made = await webhookService.createEndpoint(viewer, input);
      return { endpoint: toEndpoint(made.endpoint), secret: made.secret };
    });
  }

  @Authorized("webhooks.manage")
  @Mutation(() => WebhookEndpointPayload)
  updateWebhookEndpoint(@Ctx() ctx: Context, @Arg("id", () => ID) id: string, @Arg("input", () => WebhookEndpointInput) input: WebhookEndpointInput) {
    const viewer = requireViewer(ctx);
    return payload("endpoint", async () => toEndpoint(await webhookService.updateEndpoint(viewer, parseId(id, "id", "an endpoint id")!, input)));
  }

  @Authorized("webhooks.manage")
  @Mutation(() => DeleteWebhookPayload)
  deleteWebhookEndpoint(@Ctx() ctx: Context, @Arg("id", () => ID) id: string) {
    const viewer = requireViewer(ctx);
    return payload("deleted", async () => {
      await webhookService.deleteEndpoint(viewer, parseId(id, "id", "an endpoint id")!);
      return true;
    });
  }

  @Authorized("webhooks.manage")
  @Mutation(() => WebhookDeliveryPayload, { description: "Sends a delivery again from now (its attempts start over)." })
  replayWebhookDelivery(@Ctx() ctx: Context, @Arg("id", () => ID) id: string) {
    const viewer = requireViewer(ctx);
    return payload("delivery", async () => toDelivery(await webhookService.replay(viewer, id)));
  }
}
