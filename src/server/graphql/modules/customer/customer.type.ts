import { Field, ID, ObjectType } from "type-graphql";
import { CustomerErrorCode } from "@/server/domain/customer/customer.errors";
import { fieldErrorType, payloadType } from "../../shared/field-error";

@ObjectType("Customer", { description: "A retail customer of one distributor: buys, has no downline." })
export class Customer {
  @Field(() => ID) id!: string;
  @Field(() => ID) distributorId!: string;
  @Field(() => String) firstName!: string;
  @Field(() => String) lastName!: string;
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => String, { nullable: true }) phone!: string | null;
  @Field(() => String) country!: string;
  @Field(() => Date) createdAt!: Date;
}

export const CustomerError = fieldErrorType("CustomerError", CustomerErrorCode);

export const CustomerPayload = payloadType("CustomerPayload", "customer", Customer, CustomerError);
