import type { FieldError } from "@/server/domain/shared/input.errors";
import { isPermission, type Permission } from "@/server/domain/shared/permissions";
import { AccessInputCode } from "./access.errors";
import type { AssignmentScope, RoleInput } from "./access.types";

const COUNTRY = /^[A-Z]{2}$/;

/** A role's name and permissions, checked; permissions deduplicated in catalogue order. */
export function validateRole(input: RoleInput): { errors: FieldError<AccessInputCode>[]; permissions: Permission[] } {
  const errors: FieldError<AccessInputCode>[] = [];
  const name = input.name.trim();
  if (!name) errors.push({ field: "name", code: AccessInputCode.REQUIRED, message: "Give the role a name." });
  else if (name.length > 60) errors.push({ field: "name", code: AccessInputCode.TOO_LONG, message: "At most 60 characters." });
  if ((input.description ?? "").length > 500) errors.push({ field: "description", code: AccessInputCode.TOO_LONG, message: "At most 500 characters." });
  const unknown = input.permissions.filter((p) => !isPermission(p));
  if (unknown.length) errors.push({ field: "permissions", code: AccessInputCode.UNKNOWN_PERMISSION, message: `Unknown permission: ${unknown.slice(0, 3).join(", ")}.` });
  const permissions = [...new Set(input.permissions.filter(isPermission))];
  if (input.permissions.length === 0) errors.push({ field: "permissions", code: AccessInputCode.REQUIRED, message: "Pick at least one permission." });
  return { errors, permissions };
}

/** A stable key for a custom role from its name ("Germany support" → "germany_support"). */
export function roleKey(name: string): string {
  const slug = name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "").slice(0, 40);
  return slug || "role";
}

/** Countries normalised (upper case, deduplicated, sorted) and checked. */
export function normalizeScope(scope: AssignmentScope, field = "countries"): { errors: FieldError<AccessInputCode>[]; countries: string[]; teamOf: number | null } {
  const countries = [...new Set((scope.countries ?? []).map((c) => c.trim().toUpperCase()).filter(Boolean))].sort();
  const bad = countries.filter((c) => !COUNTRY.test(c));
  const errors: FieldError<AccessInputCode>[] = bad.length
    ? [{ field, code: AccessInputCode.INVALID, message: `Use two-letter country codes (not ${bad.slice(0, 3).join(", ")}).` }]
    : [];
  if (countries.length > 50) errors.push({ field, code: AccessInputCode.INVALID, message: "At most 50 countries." });
  return { errors, countries, teamOf: scope.teamOf ?? null };
}

const KEY_PATTERN = /^mlm_([a-z0-9]{8})_([A-Za-z0-9_-]{32,64})$/;

/** The prefix of a well-formed API key, or null. */
export function apiKeyPrefix(key: string): string | null {
  return KEY_PATTERN.exec(key)?.[1] ?? null;
}
