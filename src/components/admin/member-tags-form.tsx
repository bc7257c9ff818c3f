"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { mutate, Problems } from "@/components/ui/mutation";

const SET_TAGS = `mutation($id: ID!, $tags: [String!]!) { setMemberTags(memberId: $id, tags: $tags) { member { tags } errors { field message } } }`;

/** Staff labels on a member ("vip, convention-2026"): loyalty segments select by them. */
export function MemberTagsForm({ memberId, tags, mayEdit }: { memberId: number; tags: string[]; mayEdit: boolean }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<string[] | null>(null);
  async function save(form: FormData) {
    const list = String(form.get("tags") ?? "").split(",").map((t) => t.trim()).filter(Boolean);
    const r = await mutate<{ tags: string[] }>(SET_TAGS, { id: String(memberId), tags: list }, "setMemberTags", "member");
    setErrors(r.errors);
    if (r.value) {
      setSaved(r.value.tags);
      router.refresh();
    }
  }
  const shown = saved ?? tags;
  return (
    <div className="mt-2 text-sm" data-testid="member-tags">
      <p>{shown.length ? shown.map((t) => <span key={t} className="mr-1 inline-block rounded bg-gray-100 px-2 py-0.5 text-xs">{t}</span>) : <span className="text-gray-500">No tags.</span>}</p>
      {mayEdit ? (
        <form action={save} className="mt-2 flex flex-wrap items-end gap-2">
          <label className="min-w-0 flex-1">
            <span className="mb-1 block text-gray-700">Tags (comma separated)</span>
            <input name="tags" defaultValue={tags.join(", ")} className="field" placeholder="vip, convention-2026" />
          </label>
          <button className="btn-secondary">Save tags</button>
        </form>
      ) : null}
      <Problems errors={errors} />
      {saved ? <p className="text-emerald-700" role="status">Tags saved.</p> : null}
    </div>
  );
}
