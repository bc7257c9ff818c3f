import { checkCountry, checkEmail, checkName, checkPhone, normalizeCountry, normalizeEmail, normalizePhone } from "@/server/domain/shared/contact.rules";
import type { FieldError } from "@/server/domain/shared/input.errors";
import type { CustomerErrorCode } from "./customer.errors";
import type { CustomerInput, CustomerRecord } from "./customer.types";

export type CustomerData = Omit<CustomerRecord, "id" | "createdAt" | "distributorId">;

/** Normalizes and checks a new customer: names and country required, e-mail and phone optional but well-formed. */
export function validateCustomer(input: CustomerInput): { data: CustomerData; errors: FieldError<CustomerErrorCode>[] } {
  const data: CustomerData = {
    firstName: input.firstName.trim(),
    lastName: input.lastName.trim(),
    country: normalizeCountry(input.country),
    email: input.email ? normalizeEmail(input.email) || null : null,
    phone: input.phone ? normalizePhone(input.phone) || null : null,
  };
  const errors: FieldError<CustomerErrorCode>[] = [];
  checkName("firstName", data.firstName, "First name", errors);
  checkName("lastName", data.lastName, "Last name", errors);
  checkCountry(data.country, errors);
  checkEmail(data.email ?? "", errors, { required: false });
  checkPhone(data.phone ?? "", errors, { required: false });
  return { data, errors };
}
