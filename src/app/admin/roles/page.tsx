import { Card, Title } from "@tremor/react";
import { AssignForm, BulkForm, RevokeButton, RoleForm } from "@/components/admin/access-forms";
import { formatDateTime } from "@/lib/format";
import { requirePageViewer } from "@/server/auth/session";
import { accessService } from "@/server/domain/access/access.service";

export const metadata = { title: "Roles" };

export default async function RolesPage() {
  const viewer = await requirePageViewer("roles.manage");
  const [roles, assignments] = await Promise.all([accessService.roles(viewer), accessService.assignments(viewer, {}, 200)]);
  const permissions = accessService.permissionCatalogue();
  const options = roles.filter((r) => r.key !== "distributor").map((r) => ({ id: String(r.id), name: r.name }));
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Roles and permissions</h1>
        <p className="text-sm text-gray-500">Every member manages their own account and sees their team. Roles add back-office permissions, for the whole company or limited to countries or a team. Every change is in the audit log.</p>
      </div>

      <Card>
        <Title>Roles</Title>
        <div className="mt-2 overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="roles">
            <thead className="text-xs uppercase text-gray-500"><tr><th className="py-2">Role</th><th>Permissions</th><th className="text-right">Holders</th></tr></thead>
            <tbody className="divide-y divide-gray-100">
              {roles.map((r) => (
                <tr key={r.id} className="align-top">
                  <td className="py-2 pr-4"><span className="font-medium">{r.name}</span>{r.builtIn ? <span className="ml-1 text-xs text-gray-400">built-in</span> : null}<br /><span className="text-xs text-gray-500">{r.description}{r.ownTeam ? " (own team only)" : ""}</span></td>
                  <td className="py-2 text-xs text-gray-600">{r.permissions.length ? r.permissions.join(", ") : "their own account"}</td>
                  <td className="py-2 text-right">{r.holders}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>

      <div className="grid gap-4 lg:grid-cols-3">
        <Card><Title>Assign a role</Title><div className="mt-3"><AssignForm roles={options} /></div></Card>
        <Card><Title>Assign or revoke in bulk</Title><p className="text-xs text-gray-500">Everyone in a country or team, with a preview first.</p><div className="mt-3"><BulkForm roles={options} /></div></Card>
        <Card><Title>New custom role</Title><div className="mt-3"><RoleForm permissions={permissions} /></div></Card>
      </div>

      <Card>
        <Title>Who holds which role</Title>
        <div className="mt-2 overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="assignments">
            <thead className="text-xs uppercase text-gray-500"><tr><th className="py-2">Member</th><th>Role</th><th>Limited to</th><th>Since</th><th /></tr></thead>
            <tbody className="divide-y divide-gray-100">
              {assignments.map((a) => (
                <tr key={a.id}>
                  <td className="py-2">{a.memberName} <span className="text-gray-400">#{a.memberId} · {a.memberCountry}</span></td>
                  <td>{a.roleName}</td>
                  <td>{[a.countries.join(", "), a.teamOf != null ? `team of ${a.teamOfName ?? `#${a.teamOf}`}` : ""].filter(Boolean).join(" · ") || "everyone"}</td>
                  <td className="text-gray-500">{formatDateTime(a.grantedAt)}</td>
                  <td className="text-right"><RevokeButton memberId={String(a.memberId)} roleId={String(a.roleId)} label={`${a.roleName} from ${a.memberName}`} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
    </div>
  );
}
