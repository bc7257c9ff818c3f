import { Field, ID, Int, ObjectType } from "type-graphql";
import { PrivacyInputCode } from "@/server/domain/privacy/privacy.errors";
import { fieldErrorType, payloadType } from "../../shared/field-error";

export const PrivacyError = fieldErrorType("PrivacyError", PrivacyInputCode);

@ObjectType("Erasure", { description: "What erasing a member's personal data did. Their ledger, orders, volumes and commissions stay, anonymised." })
export class Erasure {
  @Field(() => ID) memberId!: string;
  @Field(() => Date) erasedAt!: Date;
  @Field(() => Int, { description: "Orders whose shipping address was removed." }) ordersAnonymised!: number;
  @Field(() => Int, { description: "Audit lines about the member whose values were blanked." }) auditLinesRedacted!: number;
  @Field(() => Int) mailsDeleted!: number;
}

export const ErasurePayload = payloadType("ErasurePayload", "erasure", Erasure, PrivacyError);
