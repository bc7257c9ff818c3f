"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { mutate, Problems } from "@/components/ui/mutation";

const countriesOf = (text: string) => text.split(/[\s,;]+/).map((c) => c.trim().toUpperCase()).filter(Boolean);
const idOrNull = (text: FormDataEntryValue | null) => (String(text ?? "").trim() || null);

const SAVE_ROLE = `mutation($input: RoleInput!) { saveRole(input: $input) { role { id name } errors { field message } } }`;

/** A custom role: a name and the permissions it holds. */
export function RoleForm({ permissions }: { permissions: { key: string; description: string }[] }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  return (
    <form className="space-y-2" data-testid="role-form" action={async (f) => {
      const r = await mutate<{ name: string }>(SAVE_ROLE, {
        input: { name: String(f.get("name") ?? ""), description: String(f.get("description") ?? ""), permissions: f.getAll("permission").map(String) },
      }, "saveRole", "role");
      setErrors(r.errors);
      setDone(r.value ? `Role "${r.value.name}" created.` : null);
      if (r.value) router.refresh();
    }}>
      <input className="field" name="name" placeholder="Name, e.g. Germany support" aria-label="Role name" />
      <input className="field" name="description" placeholder="What it is for" aria-label="Role description" />
      <fieldset className="grid gap-1 text-sm sm:grid-cols-2">
        <legend className="text-xs text-gray-500">Permissions</legend>
        {permissions.map((p) => (
          <label key={p.key} className="flex items-start gap-2">
            <input type="checkbox" name="permission" value={p.key} className="mt-1" />
            <span><code className="text-xs">{p.key}</code> <span className="text-gray-500">{p.description}</span></span>
          </label>
        ))}
      </fieldset>
      <button className="btn">Create role</button>
      <Problems errors={errors} />
      {done ? <p className="text-sm text-green-700" role="status">{done}</p> : null}
    </form>
  );
}

const ASSIGN = `mutation($memberId: ID!, $roleId: ID!, $scope: AssignmentScopeInput) { assignRole(memberId: $memberId, roleId: $roleId, scope: $scope) { assignment { memberName roleName countries } errors { field message } } }`;

/** Gives one member a role, limited to countries and/or a team. */
export function AssignForm({ roles }: { roles: { id: string; name: string }[] }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  return (
    <form className="space-y-2" data-testid="assign-form" action={async (f) => {
      const r = await mutate<{ memberName: string; roleName: string; countries: string[] }>(ASSIGN, {
        memberId: String(f.get("memberId") ?? "").trim(), roleId: String(f.get("roleId") ?? ""),
        scope: { countries: countriesOf(String(f.get("countries") ?? "")), teamOf: idOrNull(f.get("teamOf")) },
      }, "assignRole", "assignment");
      setErrors(r.errors);
      setDone(r.value ? `${r.value.memberName} is now ${r.value.roleName}${r.value.countries.length ? ` for ${r.value.countries.join(", ")}` : ""}.` : null);
      if (r.value) router.refresh();
    }}>
      <input className="field" name="memberId" placeholder="Member number" inputMode="numeric" aria-label="Member number" required />
      <select className="field" name="roleId" aria-label="Role">{roles.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}</select>
      <input className="field" name="countries" placeholder="Only these countries, e.g. DE AT (empty: all)" aria-label="Limit to countries" />
      <input className="field" name="teamOf" placeholder="Only the team of member number (empty: all)" inputMode="numeric" aria-label="Limit to the team of" />
      <button className="btn">Assign</button>
      <Problems errors={errors} />
      {done ? <p className="text-sm text-green-700" role="status">{done}</p> : null}
    </form>
  );
}

const PREVIEW = `mutation($s: MemberSelectionInput!) { previewMemberSelection(selection: $s) { preview { count sample { id name country } } errors { field message } } }`;
const BULK_ASSIGN = `mutation($s: MemberSelectionInput!, $roleId: ID!) { assignRoleToSelection(selection: $s, roleId: $roleId) { members errors { field message } } }`;
const BULK_REVOKE = `mutation($s: MemberSelectionInput!, $roleId: ID!) { revokeRoleFromSelection(selection: $s, roleId: $roleId) { members errors { field message } } }`;

/** A role for (or from) everyone in a country or team: preview first, then confirm. */
export function BulkForm({ roles }: { roles: { id: string; name: string }[] }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [preview, setPreview] = useState<{ count: number; sample: { id: string; name: string; country: string }[] } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [form, setForm] = useState<{ s: { countries: string[]; teamOf: string | null }; roleId: string } | null>(null);
  async function apply(query: string, name: string, verb: string) {
    if (!form) return;
    const r = await mutate<number>(query, form, name, "members");
    setErrors(r.errors);
    if (r.value != null) {
      setDone(`${verb} ${r.value} member(s).`);
      setPreview(null);
      router.refresh();
    }
  }
  return (
    <div className="space-y-2" data-testid="bulk-form">
      <form className="space-y-2" action={async (f) => {
        const next = { s: { countries: countriesOf(String(f.get("countries") ?? "")), teamOf: idOrNull(f.get("teamOf")) }, roleId: String(f.get("roleId") ?? "") };
        setForm(next);
        setDone(null);
        const r = await mutate<{ count: number; sample: { id: string; name: string; country: string }[] }>(PREVIEW, { s: next.s }, "previewMemberSelection", "preview");
        setErrors(r.errors);
        setPreview(r.value);
      }}>
        <input className="field" name="countries" placeholder="Everyone in countries, e.g. DE AT" aria-label="Bulk countries" />
        <input className="field" name="teamOf" placeholder="and/or in the team of member number" inputMode="numeric" aria-label="Bulk team of" />
        <select className="field" name="roleId" aria-label="Bulk role">{roles.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}</select>
        <button className="btn-secondary">Preview who is affected</button>
      </form>
      {preview ? (
        <div className="rounded border border-amber-200 bg-amber-50 p-2 text-sm" data-testid="bulk-preview">
          <p><strong>{preview.count}</strong> active member(s), for example: {preview.sample.slice(0, 8).map((m) => `${m.name} (${m.country})`).join(", ") || "none"}.</p>
          <div className="mt-2 flex gap-2">
            <button className="btn" onClick={() => apply(BULK_ASSIGN, "assignRoleToSelection", "Gave the role to")} disabled={preview.count === 0}>Assign to all {preview.count}</button>
            <button className="btn-secondary" onClick={() => apply(BULK_REVOKE, "revokeRoleFromSelection", "Took the role from")}>Revoke from all</button>
          </div>
        </div>
      ) : null}
      <Problems errors={errors} />
      {done ? <p className="text-sm text-green-700" role="status">{done}</p> : null}
    </div>
  );
}

const REVOKE = `mutation($memberId: ID!, $roleId: ID!) { revokeRole(memberId: $memberId, roleId: $roleId) { deleted errors { field message } } }`;

export function RevokeButton({ memberId, roleId, label }: { memberId: string; roleId: string; label: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <span>
      <button className="text-xs text-red-700 hover:underline" aria-label={`Revoke ${label}`} onClick={async () => {
        const r = await mutate<boolean>(REVOKE, { memberId, roleId }, "revokeRole", "deleted");
        setError(Object.values(r.errors)[0] ?? null);
        if (r.value != null) router.refresh();
      }}>Revoke</button>
      {error ? <span className="field-error ml-2" role="alert">{error}</span> : null}
    </span>
  );
}

const CREATE_KEY = `mutation($input: ApiKeyInput!) { createApiKey(input: $input) { created { secret key { name prefix } } errors { field message } } }`;
const ROTATE_KEY = `mutation($id: ID!) { rotateApiKey(id: $id) { created { secret key { name prefix } } errors { field message } } }`;
const REVOKE_KEY = `mutation($id: ID!) { revokeApiKey(id: $id) { key { revokedAt } errors { field message } } }`;

function Secret({ secret }: { secret: string }) {
  return (
    <div className="rounded border border-green-200 bg-green-50 p-2 text-sm" role="status">
      <p>Copy this key now: it is not shown again.</p>
      <code className="block break-all" data-testid="api-key-secret">{secret}</code>
    </div>
  );
}

/** A new key: a name, its scopes, an optional expiry; the secret is shown once. */
export function ApiKeyForm({ scopes }: { scopes: { key: string; description: string }[] }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <form className="space-y-2" data-testid="api-key-form" action={async (f) => {
      const expires = String(f.get("expiresAt") ?? "");
      const r = await mutate<{ secret: string }>(CREATE_KEY, {
        input: { name: String(f.get("name") ?? ""), scopes: f.getAll("scope").map(String), expiresAt: expires ? new Date(`${expires}T23:59:59Z`).toISOString() : null },
      }, "createApiKey", "created");
      setErrors(r.errors);
      setSecret(r.value?.secret ?? null);
      if (r.value) router.refresh();
    }}>
      <input className="field" name="name" placeholder="Who uses it, e.g. Shop integration" aria-label="Key name" />
      <fieldset className="grid gap-1 text-sm sm:grid-cols-2">
        <legend className="text-xs text-gray-500">Scopes</legend>
        {scopes.map((p) => (
          <label key={p.key} className="flex items-start gap-2">
            <input type="checkbox" name="scope" value={p.key} className="mt-1" />
            <span><code className="text-xs">{p.key}</code> <span className="text-gray-500">{p.description}</span></span>
          </label>
        ))}
      </fieldset>
      <label className="block text-sm">Expires (optional) <input className="field" type="date" name="expiresAt" aria-label="Expires on" /></label>
      <button className="btn">Create key</button>
      <Problems errors={errors} />
      {secret ? <Secret secret={secret} /> : null}
    </form>
  );
}

export function ApiKeyActions({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="space-y-1">
      <div className="flex gap-3">
        <button className="text-xs text-blue-700 hover:underline" aria-label={`Rotate ${name}`} onClick={async () => {
          const r = await mutate<{ secret: string }>(ROTATE_KEY, { id }, "rotateApiKey", "created");
          setError(Object.values(r.errors)[0] ?? null);
          setSecret(r.value?.secret ?? null);
          if (r.value) router.refresh();
        }}>Rotate</button>
        <button className="text-xs text-red-700 hover:underline" aria-label={`Revoke ${name}`} onClick={async () => {
          const r = await mutate<unknown>(REVOKE_KEY, { id }, "revokeApiKey", "key");
          setError(Object.values(r.errors)[0] ?? null);
          if (r.value) router.refresh();
        }}>Revoke</button>
      </div>
      {error ? <p className="field-error" role="alert">{error}</p> : null}
      {secret ? <Secret secret={secret} /> : null}
    </div>
  );
}
