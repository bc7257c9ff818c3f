import { Card } from "@tremor/react";
import Link from "next/link";
import { COUNTRY_CODES, countryName } from "@/lib/countries";
import { formatCount, formatDate, fullName } from "@/lib/format";
import { requirePageViewer } from "@/server/auth/session";
import { can } from "@/server/domain/shared/access";
import { memberService } from "@/server/domain/member/member.service";

export const metadata = { title: "Members" };

type Params = { q?: string; country?: string; role?: string; status?: string; after?: string };

function pick<T extends string>(value: string | undefined, allowed: readonly T[]): T | null {
  return allowed.includes(value as T) ? (value as T) : null;
}

export default async function MembersPage({ searchParams }: { searchParams: Promise<Params> }) {
  const viewer = await requirePageViewer("members.read");
  const p = await searchParams;
  const filter = {
    country: pick(p.country?.toUpperCase(), COUNTRY_CODES),
    role: pick(p.role, ["ADMIN", "DISTRIBUTOR"] as const),
    status: pick(p.status, ["ACTIVE", "SUSPENDED"] as const),
  };
  const after = /^\d{1,9}$/.test(p.after ?? "") ? Number(p.after) : null;
  const page = await memberService.list(viewer, filter, p.q?.trim() || null, 25, after);
  const keep = new URLSearchParams(Object.entries({ q: p.q, country: p.country, role: p.role, status: p.status }).filter(([, v]) => v) as [string, string][]);
  const next = page.hasNextPage ? `?${new URLSearchParams({ ...Object.fromEntries(keep), after: String(page.rows.at(-1)!.id) })}` : null;

  return (
    <div className="space-y-4">
      <div className="flex items-baseline justify-between">
        <h1 className="text-2xl font-semibold">Members</h1>
        <span className="text-sm text-gray-500" data-testid="member-count">{formatCount(page.totalCount)} found</span>
      </div>
      <form className="grid grid-cols-1 gap-2 sm:grid-cols-5" role="search">
        <input name="q" defaultValue={p.q} placeholder="Name, e-mail or referral code" className="field sm:col-span-2" aria-label="Search" />
        <select name="country" defaultValue={filter.country ?? ""} className="field" aria-label="Country">
          <option value="">All countries</option>
          {COUNTRY_CODES.map((c) => <option key={c} value={c}>{countryName(c)}</option>)}
        </select>
        <select name="role" defaultValue={filter.role ?? ""} className="field" aria-label="Role">
          <option value="">All roles</option><option value="DISTRIBUTOR">Distributors</option><option value="ADMIN">Staff</option>
        </select>
        <div className="flex gap-2">
          <select name="status" defaultValue={filter.status ?? ""} className="field" aria-label="Status">
            <option value="">Any status</option><option value="ACTIVE">Active</option><option value="SUSPENDED">Suspended</option>
          </select>
          <button className="btn" type="submit">Filter</button>
        </div>
      </form>
      <Card className="overflow-x-auto p-0">
        <table className="min-w-full text-left text-sm" data-testid="member-table">
          <thead className="bg-gray-50 text-xs uppercase text-gray-500">
            <tr><th className="px-4 py-2">Name</th><th className="px-4">E-mail</th><th className="px-4">Country</th><th className="px-4">Code</th><th className="px-4">Role</th><th className="px-4">Joined</th></tr>
          </thead>
          <tbody className="divide-y divide-gray-100">
            {page.rows.map((m) => (
              <tr key={m.id} className="hover:bg-blue-50">
                <td className="px-4 py-2"><Link className="text-blue-700 hover:underline" href={`/admin/members/${m.id}`}>{fullName(m)}</Link></td>
                <td className="px-4">{can(viewer, "members.personal", m) ? m.email : <span className="text-gray-400">hidden</span>}</td>
                <td className="px-4">{m.country}</td>
                <td className="px-4 font-mono text-xs">{m.referralCode}</td>
                <td className="px-4">{m.role === "ADMIN" ? "Staff" : "Distributor"}{m.status === "SUSPENDED" ? " (suspended)" : ""}</td>
                <td className="whitespace-nowrap px-4">{formatDate(m.joinedAt)}</td>
              </tr>
            ))}
            {page.rows.length === 0 ? <tr><td className="px-4 py-6 text-gray-500" colSpan={6}>No members match.</td></tr> : null}
          </tbody>
        </table>
      </Card>
      <div className="flex justify-between text-sm">
        {after ? <Link className="btn-secondary" href={`?${keep}`}>First page</Link> : <span />}
        {next ? <Link className="btn-secondary" href={next}>Next page</Link> : null}
      </div>
    </div>
  );
}
