import { randomBytes } from "node:crypto";
import { genealogyService } from "@/server/domain/genealogy/genealogy.service";
import type { RegistrationInput } from "@/server/domain/genealogy/enrolment.rules";
import type { MemberRecord } from "@/server/domain/member/member.types";
import { accessService } from "@/server/domain/access/access.service";
import { grantsOf, type BuiltInRoleKey } from "@/server/domain/shared/permissions";
import type { Viewer } from "@/server/domain/shared/viewer";
import type { PlacementConfig } from "@/server/domain/genealogy/placement.rules";

export const PASSWORD = "correct-horse-42";
// A precomputed argon2id hash would tie tests to parameters; hashing once per file is cheap.
let hash: Promise<string> | undefined;

export function uniqueEmail(prefix = "m"): string {
  return `${prefix}.${randomBytes(5).toString("hex")}@example.test`;
}

export function registration(sponsorCode: string, overrides: Partial<RegistrationInput> = {}): RegistrationInput {
  return {
    email: uniqueEmail(),
    password: PASSWORD,
    firstName: "Mia",
    lastName: "Schmidt",
    country: "DE",
    phone: "+49 30 1234567",
    sponsorCode,
    ...overrides,
  };
}

async function passwordHash(): Promise<string> {
  const { hashPassword } = await import("@/server/auth/password");
  hash ??= hashPassword(PASSWORD);
  return hash;
}

/** A member at the top of both trees (the company's first distributor). */
export async function createRoot(overrides: Partial<MemberRecord> = {}): Promise<MemberRecord> {
  return genealogyService.insertRoot(
    {
      email: uniqueEmail("root"),
      passwordHash: await passwordHash(),
      firstName: overrides.firstName ?? "Rita",
      lastName: overrides.lastName ?? "Root",
      country: "US",
      phone: "+12025550100",
      referralCode: `ROOT${randomBytes(4).toString("hex").toUpperCase()}`,
      role: "DISTRIBUTOR",
    },
    true,
  );
}

/** A staff account holding the super admin role. */
export async function createAdmin(): Promise<MemberRecord> {
  const admin = await genealogyService.insertRoot(
    {
      email: uniqueEmail("admin"),
      passwordHash: await passwordHash(),
      firstName: "Ada",
      lastName: "Admin",
      country: "US",
      phone: "+12025550101",
      referralCode: `ADM${randomBytes(4).toString("hex").toUpperCase()}`,
      role: "ADMIN",
    },
    false,
  );
  await accessService.grantBuiltIn(admin.id, "super_admin");
  return admin;
}

export function registerUnder(sponsor: MemberRecord, overrides: Partial<RegistrationInput> = {}): Promise<MemberRecord> {
  return genealogyService.enrol(registration(sponsor.referralCode, overrides));
}

/** The viewer of a member made by these factories: staff accounts are super admins (createAdmin). */
export function viewerOf(m: MemberRecord): Viewer {
  return { id: m.id, role: m.role, grants: m.role === "ADMIN" ? grantsOf("super_admin") : [] };
}

/** The viewer of a member as the database has it (their role assignments). */
export function loadViewer(m: MemberRecord): Promise<Viewer> {
  return accessService.viewer(m);
}

/** Gives a member a built-in role (optionally limited) and returns their viewer. */
export async function withRole(m: MemberRecord, key: BuiltInRoleKey, scope: { countries?: string[]; teamOf?: number | null } = {}): Promise<Viewer> {
  await accessService.grantBuiltIn(m.id, key, scope);
  return loadViewer(m);
}

export function usePlacement(config: PlacementConfig): Promise<PlacementConfig> {
  return genealogyService.setPlacementConfig(config);
}

/** A distributor placed below `sponsor` without the sign-up checks (fast, for building trees). */
export async function placeUnder(sponsor: MemberRecord, overrides: Partial<MemberRecord> = {}): Promise<MemberRecord> {
  return genealogyService.place(
    {
      email: uniqueEmail(),
      passwordHash: await passwordHash(),
      firstName: overrides.firstName ?? "Tom",
      lastName: overrides.lastName ?? "Tree",
      country: overrides.country ?? "DE",
      phone: "+49 30 1234567",
      referralCode: `T${randomBytes(5).toString("hex").toUpperCase()}`,
      role: "DISTRIBUTOR",
    },
    sponsor,
  );
}

let warehouseId: Promise<number> | undefined;

/** The default warehouse (created once per test database). */
export function defaultWarehouse(): Promise<number> {
  warehouseId ??= (async () => {
    const { catalogService } = await import("@/server/domain/catalog/catalog.service");
    const existing = (await catalogService.warehouses()).find((w) => w.isDefault);
    if (existing) return existing.id;
    const { catalogRepository } = await import("@/server/domain/catalog/catalog.repository");
    return (await catalogRepository.createWarehouse({ code: "MAIN", name: "Main warehouse", countries: [], isDefault: true })).id;
  })();
  return warehouseId;
}

/** An active product priced in USD and EUR, with `stock` units in the default warehouse. */
export async function createProduct(admin: Viewer, overrides: { pv?: string; bv?: string; price?: string; stock?: number; name?: string } = {}) {
  const { catalogService } = await import("@/server/domain/catalog/catalog.service");
  const product = await catalogService.create(admin, {
    sku: `SKU-${randomBytes(4).toString("hex").toUpperCase()}`,
    name: overrides.name ?? "Vitamin C 500",
    category: "Supplements",
    pv: overrides.pv ?? "25.00",
    bv: overrides.bv ?? "20.00",
    prices: [{ currency: "USD", amount: overrides.price ?? "19.99" }, { currency: "EUR", amount: "18.50" }],
  });
  const stock = overrides.stock ?? 1000;
  if (stock > 0) {
    await catalogService.adjustStock(admin, { productId: product.id, warehouseId: await defaultWarehouse(), delta: stock, reason: "Initial stock" });
  }
  return product;
}

export const ADDRESS = { name: "Mia Schmidt", line1: "Hauptstr. 1", city: "Berlin", postalCode: "10115", country: "DE" };

let orderKey = 0;
export function orderKeyFor(prefix = "o"): string {
  orderKey += 1;
  return `${prefix}-${randomBytes(4).toString("hex")}-${orderKey}`;
}

/** The `field:code` pairs of the InputError that `work` rejects with, or [] when it succeeds. */
export async function codesOf(work: Promise<unknown>): Promise<string[]> {
  const { isInputError } = await import("@/server/domain/shared/input.errors");
  try {
    await work;
  } catch (err) {
    if (isInputError(err)) return err.errors.map((e) => `${e.field}:${e.code}`);
    throw err;
  }
  return [];
}
