import { redirect } from "next/navigation";
import { currentViewer, homeOf } from "@/server/auth/session";

export const dynamic = "force-dynamic";

export default async function Home() {
  const viewer = await currentViewer();
  redirect(!viewer ? "/login" : viewer.role === "ADMIN" ? homeOf(viewer) : "/dashboard");
}
