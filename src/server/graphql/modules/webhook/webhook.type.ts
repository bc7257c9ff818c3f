import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { WebhookErrorCode } from "@/server/domain/webhook/webhook.errors";
import { fieldErrorType, payloadType } from "../../shared/field-error";
import { JSONScalar } from "../../shared/json";

export enum DeliveryStatus { PENDING = "PENDING", DELIVERED = "DELIVERED", FAILED = "FAILED" }
registerEnumType(DeliveryStatus, { name: "WebhookDeliveryStatus", description: "PENDING: not delivered yet (retried with backoff); FAILED: given up after 10 attempts (replay it)." });

export const WebhookError = fieldErrorType("WebhookError", WebhookErrorCode);

@ObjectType("WebhookEventType")
export class WebhookEventTypeInfo {
  @Field(() => String) type!: string;
  @Field(() => String) description!: string;
}

@ObjectType("WebhookEndpoint", { description: "A receiver: events are POSTed to it as JSON, signed in x-mlm-signature (t=<unix>,v1=<HMAC-SHA256 of \"<t>.<body>\">)." })
export class WebhookEndpoint {
  @Field(() => ID) id!: string;
  @Field(() => String) url!: string;
  @Field(() => String) description!: string;
  @Field(() => [String]) events!: string[];
  @Field(() => Boolean) active!: boolean;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Int) pending!: number;
  @Field(() => Int) failed!: number;
}

@ObjectType("WebhookDelivery")
export class WebhookDelivery {
  @Field(() => ID) id!: string;
  @Field(() => ID) endpointId!: string;
  @Field(() => String) eventId!: string;
  @Field(() => String) eventType!: string;
  @Field(() => JSONScalar) payload!: unknown;
  @Field(() => DeliveryStatus) status!: DeliveryStatus;
  @Field(() => Int) attempts!: number;
  @Field(() => Date) nextAttemptAt!: Date;
  @Field(() => Int, { nullable: true }) lastStatus!: number | null;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => Date, { nullable: true }) deliveredAt!: Date | null;
  @Field(() => Date) createdAt!: Date;
}

@ObjectType("NewWebhookEndpoint")
export class NewWebhookEndpoint {
  @Field(() => WebhookEndpoint) endpoint!: WebhookEndpoint;
  @Field(() => String, { description: "The signing secret, shown only now." }) secret!: string;
}

@InputType("WebhookEndpointInput")
export class WebhookEndpointInput {
  @Field(() => String) url!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [String]) events!: string[];
  @Field(() => Boolean, { nullable: true }) active?: boolean | null;
}

export const NewWebhookEndpointPayload = payloadType("NewWebhookEndpointPayload", "created", NewWebhookEndpoint, WebhookError);
export const WebhookEndpointPayload = payloadType("WebhookEndpointPayload", "endpoint", WebhookEndpoint, WebhookError);
export const WebhookDeliveryPayload = payloadType("WebhookDeliveryPayload", "delivery", WebhookDelivery, WebhookError);
export const DeleteWebhookPayload = payloadType("DeleteWebhookEndpointPayload", "deleted", Boolean as never, WebhookError);
