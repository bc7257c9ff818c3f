import { formatDateTime, fullName } from "@/lib/format";

export interface HistoryRow {
  id: string;
  field: string;
  oldValue: string | null;
  newValue: string | null;
  changedAt: Date;
  changedBy: { id: number; firstName: string; lastName: string } | null;
}

const LABELS: Record<string, string> = { firstName: "First name", lastName: "Last name", country: "Country", phone: "Phone", preferredLeg: "Preferred leg", birthDate: "Birth date" };

export function ProfileHistory({ rows }: { rows: HistoryRow[] }) {
  if (rows.length === 0) return <p className="text-sm text-gray-500">No changes yet.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full text-left text-sm" data-testid="profile-history">
        <thead className="text-xs uppercase text-gray-500">
          <tr><th className="py-2 pr-4">When</th><th className="pr-4">Field</th><th className="pr-4">Before</th><th className="pr-4">After</th><th>By</th></tr>
        </thead>
        <tbody className="divide-y divide-gray-100">
          {rows.map((r) => (
            <tr key={r.id}>
              <td className="whitespace-nowrap py-2 pr-4 text-gray-500">{formatDateTime(r.changedAt)}</td>
              <td className="pr-4">{LABELS[r.field] ?? r.field}</td>
              <td className="pr-4 text-gray-500">{r.oldValue ?? "—"}</td>
              <td className="pr-4">{r.newValue ?? "—"}</td>
              <td className="whitespace-nowrap">{r.changedBy ? fullName(r.changedBy) : "system"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
