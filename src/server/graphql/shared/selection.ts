import type { GraphQLResolveInfo, SelectionSetNode } from "graphql";

/**
 * The names of the fields a query selects directly below the current field, through
 * fragments and inline fragments (a resolver reads only what will be shown).
 */
export function selectedFields(info: GraphQLResolveInfo): Set<string> {
  const names = new Set<string>();
  const visit = (set: SelectionSetNode | undefined, seen: Set<string>) => {
    for (const s of set?.selections ?? []) {
      if (s.kind === "Field") names.add(s.name.value);
      else if (s.kind === "InlineFragment") visit(s.selectionSet, seen);
      else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        visit(info.fragments[s.name.value]?.selectionSet, seen);
      }
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet, new Set());
  return names;
}
