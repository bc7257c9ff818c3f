// Versioned JSON documents (compensation plans, loyalty programmes): error paths and diffs.

/** ["bonuses", 1, "rate"] → "bonuses[1].rate" (the JSON path of a field); `root` for the whole document. */
export function jsonPath(path: readonly PropertyKey[], root = "plan"): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || root;
}

/** One changed field between two versions of a document. */
export interface DocumentChange {
  path: string;
  before: unknown;
  after: unknown;
}

/** What changed between two documents: one entry per changed JSON path. */
export function documentDiff(before: unknown, after: unknown, path: (string | number)[] = []): DocumentChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: DocumentChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) out.push(...documentDiff(before[i], after[i], [...path, i]));
    return out;
  }
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => documentDiff(before[k], after[k], [...path, k]));
  }
  return [{ path: jsonPath(path), before: before ?? null, after: after ?? null }];
}
