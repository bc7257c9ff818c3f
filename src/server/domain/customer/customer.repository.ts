import { jsonRows } from "@/server/db/json-rows";
import { db } from "@/server/db/unit-of-work";
import type { CustomerRecord } from "./customer.types";

export const customerRepository = {
  async personalData(distributorId: number): Promise<Record<string, string>> {
    return { customers: await jsonRows(`SELECT id, first_name, last_name, email, phone, country, created_at FROM customer WHERE distributor_id = $1 ORDER BY id`, [distributorId]) };
  },

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
