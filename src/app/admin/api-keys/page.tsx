import { Card, Title } from "@tremor/react";
import { ApiKeyActions, ApiKeyForm } from "@/components/admin/access-forms";
import { formatDateTime } from "@/lib/format";
import { requirePageViewer } from "@/server/auth/session";
import { accessService } from "@/server/domain/access/access.service";
import { NOT_FOR_KEYS } from "@/server/domain/shared/permissions";

export const metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const viewer = await requirePageViewer("apikeys.manage");
  const keys = await accessService.apiKeys(viewer, true);
  const scopes = accessService.permissionCatalogue().filter((p) => !NOT_FOR_KEYS.includes(p.key));
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">API keys</h1>
        <p className="text-sm text-gray-500">Keys let other systems use the GraphQL API at <code>/api/graphql</code>: send <code>Authorization: Bearer &lt;key&gt;</code>, or <code>{`{ authorization: "Bearer <key>" }`}</code> as graphql-ws connection parameters. See <a className="text-blue-700 hover:underline" href="/api-docs">the API page</a>.</p>
      </div>
      <Card>
        <Title>Keys</Title>
        <div className="mt-2 overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="api-keys">
            <thead className="text-xs uppercase text-gray-500"><tr><th className="py-2">Name</th><th>Key</th><th>Scopes</th><th>Last used</th><th>Expires</th><th /></tr></thead>
            <tbody className="divide-y divide-gray-100">
              {keys.map((k) => (
                <tr key={k.id} className={k.revokedAt ? "align-top text-gray-400" : "align-top"}>
                  <td className="py-2">{k.name}</td>
                  <td><code>mlm_{k.prefix}_…</code></td>
                  <td className="text-xs">{k.scopes.join(", ")}</td>
                  <td>{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : "never"}</td>
                  <td>{k.revokedAt ? `revoked ${formatDateTime(k.revokedAt)}` : k.expiresAt ? formatDateTime(k.expiresAt) : "no expiry"}</td>
                  <td>{k.revokedAt ? null : <ApiKeyActions id={String(k.id)} name={k.name} />}</td>
                </tr>
              ))}
              {keys.length === 0 ? <tr><td colSpan={6} className="py-3 text-gray-500">No keys yet.</td></tr> : null}
            </tbody>
          </table>
        </div>
      </Card>
      <Card><Title>New key</Title><div className="mt-3"><ApiKeyForm scopes={scopes} /></div></Card>
    </div>
  );
}
