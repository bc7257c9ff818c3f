import { badInput } from "../errors";

/** Member ids are integers on the wire as GraphQL IDs. */
export function parseMemberId(value: string | null | undefined, field: string): number | null {
  if (value == null) return null;
  const id = Number(value);
  if (!/^\d{1,10}$/.test(value) || !Number.isSafeInteger(id) || id < 1) throw badInput(field, `${field} is not a member id.`);
  return id;
}

/** Other integer ids (products, orders, periods, customers) on the wire. */
export function parseId(value: string | null | undefined, field: string, what = "id"): number | null {
  if (value == null) return null;
  const id = Number(value);
  if (!/^\d{1,10}$/.test(value) || !Number.isSafeInteger(id) || id < 1) throw badInput(field, `${field} is not ${what}.`);
  return id;
}
