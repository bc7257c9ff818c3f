import { db } from "@/server/db/unit-of-work";
import type { CustomerRecord } from "./customer.types";

export const customerRepository = {
  create(data: Omit<CustomerRecord, "id" | "createdAt">): Promise<CustomerRecord> {
    return db().orm.customer.create({ data });
  },

  findById(id: number): Promise<CustomerRecord | null> {
    return db().orm.customer.findUnique({ where: { id } });
  },

  ofDistributor(distributorId: number, limit: number): Promise<CustomerRecord[]> {
    return db().orm.customer.findMany({ where: { distributorId }, orderBy: [{ lastName: "asc" }, { firstName: "asc" }], take: limit });
  },
};
