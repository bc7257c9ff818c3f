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
});
