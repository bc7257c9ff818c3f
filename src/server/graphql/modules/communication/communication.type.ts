import { Field, ID, ObjectType } from "type-graphql";
import { connectionType } from "../../shared/connection";

@ObjectType("OutboxMail", { description: "A mail the app sent. Until SMTP is configured, the outbox is where mail goes." })
export class OutboxMail {
  @Field(() => ID) id!: string;
  @Field(() => ID, { nullable: true }) memberId!: string | null;
  @Field(() => String) to!: string;
  @Field(() => String, { description: "password_reset, password_changed, ..." }) kind!: string;
  @Field(() => String) subject!: string;
  @Field(() => String) body!: string;
  @Field(() => Date) createdAt!: Date;
}

export const OutboxMailConnection = connectionType("OutboxMail", OutboxMail);
