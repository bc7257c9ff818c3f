"use client";
import { BadgeDelta, Card, Metric, Text } from "@tremor/react";
import { useEffect, useState } from "react";
import { formatVolume } from "@/lib/format";
import { subscriptionClient } from "@/lib/graphql-client";
import { percentChange } from "@/lib/money";

export interface VolumeNumbers {
  pv: string;
  gv: string;
  leftLegVolume: string;
  rightLegVolume: string;
  revision: number;
}

const VOLUME_UPDATED = `subscription($id: ID) { volumeUpdated(memberId: $id) { periodId pv gv leftLegVolume rightLegVolume revision } }`;

/**
 * This period's PV, GV and leg volume, kept live over graphql-ws: every paid, refunded or
 * cancelled order anywhere in the member's organisation pushes the new totals. The change
 * is against where the last period stood after as much time as this one has run.
 */
export function LiveVolume({ memberId, periodId, initial, previous, binary }: {
  memberId: string;
  periodId: string;
  initial: VolumeNumbers;
  previous: VolumeNumbers;
  binary: boolean;
}) {
  const [numbers, setNumbers] = useState(initial);
  const [flash, setFlash] = useState(false);

  useEffect(() => {
    const stop = subscriptionClient().subscribe<{ volumeUpdated: VolumeNumbers & { periodId: string } }>(
      { query: VOLUME_UPDATED, variables: { id: memberId } },
      {
        next: ({ data }) => {
          const u = data?.volumeUpdated;
          if (!u || u.periodId !== periodId) return;
          // Events may arrive out of order across instances: keep the newest revision.
          setNumbers((n) => (u.revision > n.revision ? u : n));
          setFlash(true);
          setTimeout(() => setFlash(false), 1200);
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    return stop;
  }, [memberId, periodId]);

  const cards = [
    { id: "pv", label: "Personal volume (PV)", value: numbers.pv, before: previous.pv },
    { id: "gv", label: "Group volume (GV)", value: numbers.gv, before: previous.gv },
    ...(binary
      ? [
          { id: "left-leg", label: "Left leg", value: numbers.leftLegVolume, before: previous.leftLegVolume },
          { id: "right-leg", label: "Right leg", value: numbers.rightLegVolume, before: previous.rightLegVolume },
        ]
      : []),
  ];
  return (
    <div className={`grid grid-cols-2 gap-4 lg:grid-cols-4 ${flash ? "[&_.tremor-Metric]:text-green-700" : ""}`}>
      {cards.map((c) => {
        const d = percentChange(Number(c.value), Number(c.before));
        return (
          <Card key={c.id} decoration="top" decorationColor="emerald">
            <div className="flex items-start justify-between gap-2">
              <Text>{c.label}</Text>
              <BadgeDelta deltaType={d.direction} size="xs">{d.text}</BadgeDelta>
            </div>
            <Metric data-testid={`volume-${c.id}`} className="tremor-Metric transition-colors">{formatVolume(c.value)}</Metric>
            {/* Pro rata to the hour, so whole points: "5,711" rather than "5,711.28". */}
            <Text className="mt-1 text-xs">{formatVolume(Math.round(Number(c.before)))} at this point last period</Text>
          </Card>
        );
      })}
    </div>
  );
}
