import DataLoader from "dataloader";
import { memberService } from "@/server/domain/member/member.service";
import type { MemberRecord } from "@/server/domain/member/member.types";

export function createLoaders() {
  return {
    member: new DataLoader<number, MemberRecord | null>(async (ids) => {
      const rows = await memberService.findManyByIds(ids);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
