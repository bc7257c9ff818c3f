"use client";
import { Card, Title } from "@tremor/react";
import { findNodeAtLocation, parseTree, type ParseError, parse as parseJsonc, printParseErrorCode } from "jsonc-parser";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { graphql } from "@/lib/graphql-client";

/** The versioned JSON documents admins edit, and how each is saved. */
const DOCUMENTS = {
  plan: {
    title: "Edit the plan",
    hint: "A new version is saved; nothing changes until you activate it from a period on.",
    label: "Plan JSON",
    mutation: "savePlanVersion",
    query: `mutation($input: SavePlanVersionInput!) { savePlanVersion(input: $input) { version { id number } errors { field code message } } }`,
    input: (doc: unknown, comment: string) => ({ plan: doc, comment }),
    saved: (n: number) => `Saved as version ${n}. Activate it below to put it in force.`,
  },
  loyalty: {
    title: "Edit the programme",
    hint: "Point types, earning rules, tiers and badges. A saved version applies to points earned from then on.",
    label: "Programme JSON",
    mutation: "saveLoyaltyProgram",
    query: `mutation($input: SaveLoyaltyProgramInput!) { saveLoyaltyProgram(input: $input) { version { id number } errors { field code message } } }`,
    input: (doc: unknown, comment: string) => ({ program: doc, comment }),
    saved: (n: number) => `Saved as version ${n}: it applies now.`,
  },
} as const;

type Problem = { field: string; message: string; line: number | null };

/** "bonuses[1].rate" → ["bonuses", 1, "rate"] */
function pathOf(field: string): (string | number)[] {
  return [...field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
}

/** The 1-based line of a JSON path in the text (the nearest existing parent when the field is missing). */
function lineOf(text: string, field: string): number | null {
  const tree = parseTree(text);
  if (!tree) return null;
  const path = pathOf(field);
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(tree, path.slice(0, n));
    if (node) return text.slice(0, node.offset).split("\n").length;
  }
  return null;
}

/**
 * A versioned document (a compensation plan, the loyalty programme) as JSON, validated by
 * the server on save: every problem is listed with its JSON path and the line it is on,
 * and that line is marked in the editor's gutter.
 */
export function DocumentEditor({ initial, kind }: { initial: string; kind: keyof typeof DOCUMENTS }) {
  const doc = DOCUMENTS[kind];
  const router = useRouter();
  const [text, setText] = useState(initial);
  const [comment, setComment] = useState("");
  const [problems, setProblems] = useState<Problem[]>([]);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Edits typed before hydration would be overwritten by React's first render: the editor
  // says when it is live, and saving waits for it.
  const [live, setLive] = useState(false);
  useEffect(() => setLive(true), []);
  const lines = useMemo(() => text.split("\n").length, [text]);
  const bad = new Set(problems.map((p) => p.line).filter((l): l is number => l !== null));

  async function save() {
    setSaved(null);
    const syntax: ParseError[] = [];
    const parsed = parseJsonc(text, syntax, { allowTrailingComma: false, disallowComments: true });
    if (syntax.length > 0) {
      setProblems(syntax.map((e) => ({ field: "JSON", message: printParseErrorCode(e.error), line: text.slice(0, e.offset).split("\n").length })));
      return;
    }
    setBusy(true);
    type Saved = { version: { id: string; number: number } | null; errors: { field: string; message: string }[] };
    const res = await graphql<Record<string, Saved>>(doc.query, { input: doc.input(parsed, comment) });
    setBusy(false);
    const payload = res.data?.[doc.mutation];
    if (!payload) return setProblems([{ field: kind, message: res.errors?.[0]?.message ?? "Something went wrong.", line: null }]);
    setProblems(payload.errors.map((e) => ({ field: e.field, message: e.message, line: e.field === "comment" ? null : lineOf(text, e.field) })));
    if (payload.version) {
      setSaved(doc.saved(payload.version.number));
      setComment("");
      router.refresh();
    }
  }

  return (
    <Card>
      <Title>{doc.title}</Title>
      <p className="mt-1 text-sm text-gray-500">{doc.hint}</p>
      <div className="mt-3 flex overflow-hidden rounded border border-gray-300 font-mono text-xs">
        <div className="select-none bg-gray-50 px-2 py-2 text-right text-gray-400" aria-hidden>
          {Array.from({ length: lines }, (_, i) => (
            <div key={i} className={bad.has(i + 1) ? "bg-red-100 font-bold text-red-700" : ""} data-testid={bad.has(i + 1) ? "error-line" : undefined}>{i + 1}</div>
          ))}
        </div>
        <textarea
          aria-label={doc.label}
          data-testid={`${kind}-json`}
          data-live={live ? "" : undefined}
          className="min-h-[28rem] flex-1 resize-y whitespace-pre px-2 py-2 leading-[1rem] outline-none"
          spellCheck={false}
          value={text}
          onChange={(e) => setText(e.target.value)}
          rows={lines}
        />
      </div>
      {problems.length > 0 ? (
        <ul className="mt-3 space-y-1 rounded bg-red-50 p-3 text-sm text-red-800" role="alert" data-testid={`${kind}-errors`}>
          {problems.map((p, i) => (
            <li key={i}><span className="font-mono">{p.line ? `line ${p.line}, ` : ""}{p.field}</span>: {p.message}</li>
          ))}
        </ul>
      ) : null}
      <div className="mt-3 flex flex-wrap items-end gap-3">
        <label className="flex-1 text-sm">
          <span className="mb-1 block font-medium text-gray-700">Comment</span>
          <input className="field" name="comment" value={comment} onChange={(e) => setComment(e.target.value)} placeholder="What changed and why" />
        </label>
        <button type="button" className="btn" onClick={save} disabled={busy || !live}>{busy ? "Saving…" : "Save version"}</button>
      </div>
      {saved ? <p className="mt-2 text-sm text-emerald-700" role="status">{saved}</p> : null}
    </Card>
  );
}
