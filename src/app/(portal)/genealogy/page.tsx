import { Card, Text } from "@tremor/react";
import Link from "next/link";
import { GenealogyTree } from "@/components/genealogy/genealogy-tree";
import { requirePageViewer } from "@/server/auth/session";
import { genealogyService } from "@/server/domain/genealogy/genealogy.service";
import { memberService } from "@/server/domain/member/member.service";
import { fullName } from "@/lib/format";

export const metadata = { title: "Genealogy" };

export default async function GenealogyPage({ searchParams }: { searchParams: Promise<{ tree?: string }> }) {
  const viewer = await requirePageViewer();
  const tree = (await searchParams).tree === "placement" ? "PLACEMENT" : "SPONSOR";
  const [me, config, upline] = await Promise.all([
    memberService.findById(viewer.id),
    genealogyService.placementConfig(),
    genealogyService.upline(viewer, viewer.id, tree),
  ]);
  const tab = (t: string, label: string) => (
    <Link href={`/genealogy?tree=${t}`} className={`rounded-md px-3 py-1.5 text-sm ${tree === t.toUpperCase() ? "bg-blue-600 text-white" : "bg-white text-gray-700 ring-1 ring-gray-200"}`}>{label}</Link>
  );
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Genealogy</h1>
      <div className="flex gap-2">{tab("sponsor", "Sponsor tree")}{tab("placement", "Placement tree")}</div>
      <Text>
        {tree === "SPONSOR" ? "Who recruited whom." : `Where members sit in the ${config.type.toLowerCase()} plan.`} Tap a member to open the level below.
      </Text>
      {upline.length > 0 ? (
        <p className="text-xs text-gray-500">Above you: {upline.map((u) => fullName(u)).join(" › ")}</p>
      ) : null}
      <Card className="overflow-x-auto">
        <GenealogyTree
          tree={tree}
          binary={config.type === "BINARY"}
          root={{ id: String(me!.id), firstName: me!.firstName, lastName: me!.lastName, country: me!.country, joinedAt: me!.joinedAt.toISOString(), placementPosition: me!.placementPosition }}
        />
      </Card>
    </div>
  );
}
