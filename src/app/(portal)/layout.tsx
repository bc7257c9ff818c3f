import { Nav } from "@/components/ui/nav";
import { fullName } from "@/lib/format";
import { navLinks, requirePageViewer } from "@/server/auth/session";
import { memberService } from "@/server/domain/member/member.service";

export const dynamic = "force-dynamic";

export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  const viewer = await requirePageViewer();
  const me = (await memberService.findById(viewer.id))!;
  return (
    <>
      <Nav name={fullName(me)} links={navLinks(viewer, "portal")} />
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </>
  );
}
