import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import { customerService } from "@/server/domain/customer/customer.service";
import type { Context } from "../../context";
import { parseMemberId } from "../../shared/ids";
import { payload } from "../../shared/payload";
import { requireViewer } from "../../shared/viewer";
import { CreateCustomerInput } from "./customer.input";
import { Customer, CustomerPayload } from "./customer.type";

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => [Customer], { description: "A distributor's retail customers (yours when left out)." })
  customers(@Ctx() ctx: Context, @Arg("distributorId", () => ID, { nullable: true }) distributorId?: string | null) {
    return customerService.list(requireViewer(ctx), parseMemberId(distributorId, "distributorId"));
  }

  @Mutation(() => CustomerPayload)
  createCustomer(@Arg("input", () => CreateCustomerInput) input: CreateCustomerInput, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("customer", () => customerService.create(viewer, { ...input, distributorId: parseMemberId(input.distributorId, "distributorId") }));
  }
}
