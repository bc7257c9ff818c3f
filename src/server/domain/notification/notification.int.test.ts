import { describe, expect, it } from "vitest";
import { db } from "@/server/db/unit-of-work";
import { createRoot, viewerOf } from "@/test/factories";
import { notificationService } from "./notification.service";

describe("notifications", () => {
  it("lists the newest first and pages on, also where the ids gain a digit", async () => {
    const eve = await createRoot();
    // The next ids run across a power of ten: text order would put 99 before 100.
    const [{ max }] = (await db().sql<{ max: string }>`SELECT coalesce(max(id), 0)::text AS max FROM notification`) as [{ max: string }];
    const pow = 10 ** Math.max(2, String(max).length);
    await db().sql`SELECT setval('notification_id_seq', ${pow - 4})::text AS v`;
    await notificationService.notify(
      Array.from({ length: 7 }, (_, i) => ({ memberId: eve.id, kind: "POINTS_EARNED" as const, title: `Note ${i + 1}`, body: "" })),
    );
    const first = await notificationService.list(viewerOf(eve), eve.id, 4, null);
    expect(first.rows.map((n) => n.title)).toEqual(["Note 7", "Note 6", "Note 5", "Note 4"]);
    expect(first.unread).toBe(7);
    const next = await notificationService.list(viewerOf(eve), eve.id, 4, first.rows.at(-1)!.id);
    expect(next.rows.map((n) => n.title)).toEqual(["Note 3", "Note 2", "Note 1"]);
  });

  it("lists by when each happened, also when an older one was noted later (history applied late), and marks read in that order", async () => {
    const finn = await createRoot();
    const day = (d: number) => new Date(Date.UTC(2026, 10, d, 12));
    // Noted in this order (ids ascending), happened on the 3rd, 5th, 1st, 4th, 2nd.
    await notificationService.notify([3, 5, 1, 4, 2].map((d) => ({ memberId: finn.id, kind: "POINTS_EARNED" as const, title: `Day ${d}`, body: "", at: day(d) })));
    const first = await notificationService.list(viewerOf(finn), finn.id, 3, null);
    expect(first.rows.map((n) => n.title)).toEqual(["Day 5", "Day 4", "Day 3"]);
    const next = await notificationService.list(viewerOf(finn), finn.id, 3, first.rows.at(-1)!.id);
    expect(next.rows.map((n) => n.title)).toEqual(["Day 2", "Day 1"]);
    // Read up to the 4th: the 4th and everything before it, not the 5th.
    expect(await notificationService.markRead(viewerOf(finn), finn.id, first.rows[1]!.id)).toBe(4);
    const after = await notificationService.list(viewerOf(finn), finn.id, 10, null);
    expect(after.unread).toBe(1);
    expect(after.rows.filter((n) => n.readAt == null).map((n) => n.title)).toEqual(["Day 5"]);
  });
});
