import { memberService } from "@/server/domain/member/member.service";
import { accessService } from "@/server/domain/access/access.service";
import { FieldErrors } from "@/server/domain/shared/input.errors";
import { pageSize } from "@/server/domain/shared/page";
import type { Viewer } from "@/server/domain/shared/viewer";
import { CustomerErrorCode } from "./customer.errors";
import { customerRepository } from "./customer.repository";
import { validateCustomer } from "./customer.rules";
import type { CustomerInput, CustomerRecord } from "./customer.types";

/** Retail customers: people a distributor sells to; their orders credit the distributor. */
export const customerService = {
  /** The retail customers a distributor keeps, for their data download. */
  personalData(distributorId: number): Promise<Record<string, string>> {
    return customerRepository.personalData(distributorId);
  },

  /** Adds a customer to the viewer's list (order takers: to the members they cover). */
  async create(viewer: Viewer, input: CustomerInput): Promise<CustomerRecord> {
    const distributorId = input.distributorId ?? viewer.id;
    await accessService.requireSelfOr(viewer, distributorId, "orders.write", "other members' customers");
    const { data, errors } = validateCustomer(input);
    const found = new FieldErrors<CustomerErrorCode>().addAll(errors);
    if (!(await memberService.findById(distributorId))) found.add("distributorId", CustomerErrorCode.NOT_FOUND, "No such member.");
    found.throwIfAny();
    return customerRepository.create({ distributorId, ...data });
  },

  /** A distributor's customers by name (yours, or those of members whose personal data you may see). */
  async list(viewer: Viewer, distributorId: number | null | undefined, limit = 200): Promise<CustomerRecord[]> {
    const id = distributorId ?? viewer.id;
    await accessService.requireSelfOr(viewer, id, "members.personal", "other members' customers");
    return customerRepository.ofDistributor(id, pageSize(limit, 200, 500));
  },

  /** A customer the viewer may sell to (their own, or of members they take orders for), or null. */
  async findForSale(viewer: Viewer, id: number): Promise<CustomerRecord | null> {
    const customer = await customerRepository.findById(id);
    return customer && (await accessService.isSelfOr(viewer, customer.distributorId, "orders.write")) ? customer : null;
  },
};
