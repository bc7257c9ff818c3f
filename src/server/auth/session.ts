import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { memberService } from "@/server/domain/member/member.service";
import { isAdmin } from "@/server/domain/shared/access";
import type { Viewer } from "@/server/domain/shared/viewer";
import { authOptions } from "./auth-config";

/** The signed-in viewer for a page, re-checked against the database, or null. */
export async function currentViewer(): Promise<Viewer | null> {
  const session = await getServerSession(authOptions);
  const id = Number((session?.user as { id?: string } | undefined)?.id);
  return Number.isInteger(id) && id > 0 ? memberService.currentViewer(id) : null;
}

/** For pages behind login: the viewer, or a redirect to the login page. */
export async function requirePageViewer(role?: "ADMIN"): Promise<Viewer> {
  const viewer = await currentViewer();
  if (!viewer) redirect("/login");
  if (role === "ADMIN" && !isAdmin(viewer)) redirect("/dashboard");
  return viewer;
}
