import { describe, expect, it } from "vitest";
import { validateCustomer } from "./customer.rules";

describe("validateCustomer", () => {
  it("normalizes a customer with optional contact details left out", () => {
    const { data, errors } = validateCustomer({ firstName: " Lea ", lastName: "Vogel", country: "de", email: " ", phone: null });
    expect(errors).toEqual([]);
    expect(data).toEqual({ firstName: "Lea", lastName: "Vogel", country: "DE", email: null, phone: null });
  });

  it("uses the same e-mail and phone rules as sign-up", () => {
    const { data, errors } = validateCustomer({ firstName: "Lea", lastName: "Vogel", country: "DE", email: "Lea@Example", phone: "030 1234" });
    expect(errors.map((e) => `${e.field}:${e.code}`)).toEqual(["email:INVALID", "phone:INVALID"]);
    expect(data.email).toBe("lea@example");
  });

  it("requires names and a known country", () => {
    const { errors } = validateCustomer({ firstName: "", lastName: "Vogel", country: "XX" });
    expect(errors.map((e) => `${e.field}:${e.code}`)).toEqual(["firstName:REQUIRED", "country:INVALID"]);
  });
});
