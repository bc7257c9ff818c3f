"use client";
import { BarChart, Card, Metric, Text } from "@tremor/react";
import { useEffect, useState } from "react";
import { subscriptionClient } from "@/lib/graphql-client";
import { formatCount, fullName } from "@/lib/format";

export interface TeamNumbers {
  teamSize: number;
  directs: number;
  newThisWeek: number;
  levels: { level: number; count: number }[];
}

interface Joined {
  sponsorLevel: number | null;
  member: { id: string; firstName: string; lastName: string; country: string };
}

const TEAM_CHANGED = `subscription { teamChanged { sponsorLevel member { id firstName lastName country } } }`;

/** Adds one sign-up at `level` below the member to the numbers. */
function withJoin(n: TeamNumbers, level: number): TeamNumbers {
  const levels = n.levels.some((l) => l.level === level)
    ? n.levels.map((l) => (l.level === level ? { ...l, count: l.count + 1 } : l))
    : [...n.levels, { level, count: 1 }].sort((a, b) => a.level - b.level);
  return { teamSize: n.teamSize + 1, directs: n.directs + (level === 1 ? 1 : 0), newThisWeek: n.newThisWeek + 1, levels };
}

export function LiveTeamStats({ initial }: { initial: TeamNumbers }) {
  const [numbers, setNumbers] = useState(initial);
  const [recent, setRecent] = useState<Joined["member"][]>([]);
  const [live, setLive] = useState(false);

  useEffect(() => {
    const client = subscriptionClient();
    const offConnected = client.on("connected", () => setLive(true));
    const offClosed = client.on("closed", () => setLive(false));
    const stop = client.subscribe<{ teamChanged: Joined }>({ query: TEAM_CHANGED }, {
      next: ({ data }) => {
        const level = data?.teamChanged.sponsorLevel;
        if (!data || level == null) return;
        setNumbers((n) => withJoin(n, level));
        setRecent((r) => [data.teamChanged.member, ...r].slice(0, 5));
      },
      error: () => setLive(false),
      complete: () => undefined,
    });
    return () => { stop(); offConnected(); offClosed(); };
  }, []);

  const cards = [
    { label: "Team size", value: numbers.teamSize, id: "team-size" },
    { label: "New this week", value: numbers.newThisWeek, id: "new-this-week" },
    { label: "Personally sponsored", value: numbers.directs, id: "directs" },
  ];
  return (
    <div className="space-y-4">
      <p className="text-xs text-gray-500" data-testid="live-status" data-live={live ? "yes" : "no"}>
        <span className={`mr-1 inline-block h-2 w-2 rounded-full ${live ? "bg-green-500" : "bg-gray-300"}`} />
        {live ? "Live" : "Connecting…"}
      </p>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-3">
        {cards.map((c) => (
          <Card key={c.id} decoration="top" decorationColor="blue">
            <Text>{c.label}</Text>
            <Metric data-testid={c.id}>{formatCount(c.value)}</Metric>
          </Card>
        ))}
      </div>
      <Card>
        <Text>Members per level</Text>
        <BarChart
          className="mt-4 h-64"
          data={numbers.levels.map((l) => ({ level: `L${l.level}`, Members: l.count }))}
          index="level"
          categories={["Members"]}
          colors={["blue"]}
          showLegend={false}
          yAxisWidth={48}
        />
      </Card>
      {recent.length > 0 ? (
        <Card>
          <Text>Just joined</Text>
          <ul className="mt-2 space-y-1 text-sm" data-testid="recent-joins">
            {recent.map((m) => <li key={m.id}>{fullName(m)} <span className="text-gray-400">({m.country})</span></li>)}
          </ul>
        </Card>
      ) : null}
    </div>
  );
}
