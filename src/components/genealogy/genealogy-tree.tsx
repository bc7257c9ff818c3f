"use client";
import { useState } from "react";
import { graphql } from "@/lib/graphql-client";
import { formatDate, fullName } from "@/lib/format";

export interface TreeMember {
  id: string;
  firstName: string;
  lastName: string;
  country: string;
  joinedAt: string;
  placementPosition: number | null;
}

type Tree = "SPONSOR" | "PLACEMENT";

const CHILDREN = `query Children($id: ID!, $tree: GenealogyTree!, $after: String) {
  downline(memberId: $id, tree: $tree, maxDepth: 1, first: 50, after: $after) {
    totalCount
    edges { node { id firstName lastName country joinedAt placementPosition } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface ChildPage {
  totalCount: number;
  edges: { node: TreeMember }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

function Node({ member, tree, binary, isRoot }: { member: TreeMember; tree: Tree; binary: boolean; isRoot?: boolean }) {
  const [open, setOpen] = useState(false);
  const [children, setChildren] = useState<TreeMember[] | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function load(after: string | null) {
    setLoading(true);
    setError(null);
    const res = await graphql<{ downline: ChildPage }>(CHILDREN, { id: member.id, tree, after });
    setLoading(false);
    if (!res.data) {
      setError(res.errors?.[0]?.message ?? "Could not load this level.");
      return;
    }
    const page = res.data.downline;
    setChildren((prev) => [...(after ? prev ?? [] : []), ...page.edges.map((e) => e.node)]);
    setTotal(page.totalCount);
    setCursor(page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null);
  }

  async function toggle() {
    const next = !open;
    setOpen(next);
    if (next && children === null) await load(null);
  }

  const leg = !isRoot && tree === "PLACEMENT" && binary && member.placementPosition != null ? (member.placementPosition === 0 ? "L" : "R") : null;
  return (
    <li className="relative">
      <button
        type="button"
        onClick={toggle}
        aria-expanded={open}
        className="flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-left hover:bg-blue-50"
        data-testid={`tree-node-${member.id}`}
      >
        <span className="w-4 text-gray-400" aria-hidden>{open ? "▾" : "▸"}</span>
        {leg ? <span className="rounded bg-gray-100 px-1 text-xs text-gray-600">{leg}</span> : null}
        <span className="font-medium">{fullName(member)}</span>
        <span className="text-xs text-gray-500">{member.country} · joined {formatDate(member.joinedAt)}</span>
        {total != null ? <span className="ml-auto text-xs text-gray-500">{total} directly below</span> : null}
      </button>
      {open ? (
        <ul className="ml-4 border-l border-gray-200 pl-2">
          {children?.map((c) => <Node key={c.id} member={c} tree={tree} binary={binary} />)}
          {children?.length === 0 ? <li className="px-2 py-1 text-xs text-gray-500">Nobody below yet.</li> : null}
          {loading ? <li className="px-2 py-1 text-xs text-gray-500">Loading…</li> : null}
          {error ? <li className="px-2 py-1 text-xs text-red-600">{error}</li> : null}
          {cursor && !loading ? (
            <li><button type="button" className="px-2 py-1 text-xs text-blue-700 underline" onClick={() => load(cursor)}>Show more</button></li>
          ) : null}
        </ul>
      ) : null}
    </li>
  );
}

export function GenealogyTree({ root, tree, binary }: { root: TreeMember; tree: Tree; binary: boolean }) {
  return (
    <ul className="text-sm" data-testid="genealogy-tree">
      <Node key={`${tree}-${root.id}`} member={root} tree={tree} binary={binary} isRoot />
    </ul>
  );
}
