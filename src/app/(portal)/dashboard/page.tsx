import { Card, Text, Title } from "@tremor/react";
import { LiveTeamStats } from "@/components/dashboard/live-team-stats";
import { ReferralLink } from "@/components/dashboard/referral-link";
import { requirePageViewer } from "@/server/auth/session";
import { genealogyService } from "@/server/domain/genealogy/genealogy.service";
import { memberService } from "@/server/domain/member/member.service";

export const metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const viewer = await requirePageViewer();
  const [me, stats] = await Promise.all([memberService.findById(viewer.id), genealogyService.teamStats(viewer, viewer.id, "SPONSOR")]);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Hello, {me!.firstName}</h1>
        <p className="text-sm text-gray-500">Your team at a glance. Numbers update as people join.</p>
      </div>
      <Card>
        <Title>Your referral link</Title>
        <Text className="mb-3">Share it: everyone who joins through it lands in your team.</Text>
        <ReferralLink code={me!.referralCode} />
      </Card>
      <LiveTeamStats
        initial={{ teamSize: stats.teamSize, directs: stats.directs, newThisWeek: stats.newThisWeek, levels: stats.levels.map((l) => ({ level: l.level, count: l.count })) }}
      />
    </div>
  );
}
