import { unauthenticated } from "@/server/domain/shared/access";
import type { Viewer } from "@/server/domain/shared/viewer";
import type { Context } from "../context";

export function requireViewer(ctx: Context): Viewer {
  if (!ctx.viewer) throw unauthenticated();
  return ctx.viewer;
}
