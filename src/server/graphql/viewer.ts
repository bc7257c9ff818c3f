import type { Viewer } from "@/server/domain/member/member.types";
import { unauthenticated } from "@/server/domain/shared/access.errors";
import type { Context } from "./context";

export function requireViewer(ctx: Context): Viewer {
  if (!ctx.viewer) throw unauthenticated();
  return ctx.viewer;
}
