-- CreateTable
CREATE TABLE "member_volume_day" (
    "member_id" INTEGER NOT NULL,
    "day" DATE NOT NULL,
    "period_id" INTEGER NOT NULL,
    "pv" DECIMAL(16,2) NOT NULL DEFAULT 0,
    "gv" DECIMAL(16,2) NOT NULL DEFAULT 0,
    "left_leg" DECIMAL(16,2) NOT NULL DEFAULT 0,
    "right_leg" DECIMAL(16,2) NOT NULL DEFAULT 0,
    "gv_added" DECIMAL(16,2) NOT NULL DEFAULT 0,
    "gv_refunded" DECIMAL(16,2) NOT NULL DEFAULT 0,
    "own_added" DECIMAL(16,2) NOT NULL DEFAULT 0,

    CONSTRAINT "member_volume_day_pkey" PRIMARY KEY ("member_id","day","period_id")
);

-- Backfill from the ledger (entries the applier has folded in: not listed as pending),
-- as the volume repository's rebuild does. Binary legs only under binary placement.
WITH binary_legs AS (
  SELECT coalesce((SELECT value->>'type' = 'BINARY' FROM setting WHERE key = 'genealogy.placement'), false) AS binary_on
),
own_day AS (
  SELECT period_id, member_id, (created_at AT TIME ZONE 'UTC')::date AS day, sum(pv) AS pv,
    coalesce(sum(pv) FILTER (WHERE pv > 0), 0) AS added, coalesce(-sum(pv) FILTER (WHERE pv < 0), 0) AS refunded
  FROM volume_entry ve
  WHERE NOT EXISTS (SELECT 1 FROM volume_pending p WHERE p.entry_id = ve.id)
  GROUP BY 1, 2, 3
)
INSERT INTO member_volume_day (member_id, day, period_id, pv, gv, left_leg, right_leg, gv_added, gv_refunded, own_added)
SELECT member_id, day, period_id, sum(pv), sum(gv), sum(l), sum(r), sum(gv_added), sum(gv_refunded), sum(own_added)
FROM (
  SELECT member_id, day, period_id, pv, 0::numeric AS gv, 0::numeric AS l, 0::numeric AS r, 0::numeric AS gv_added, 0::numeric AS gv_refunded, added AS own_added FROM own_day
  UNION ALL SELECT a.id, o.day, o.period_id, 0, o.pv, 0, 0, o.added, o.refunded, 0
    FROM own_day o JOIN member m ON m.id = o.member_id CROSS JOIN LATERAL unnest(m.sponsor_path) AS a(id)
  UNION ALL SELECT p.placement_parent_id, o.day, o.period_id, 0, 0,
      CASE WHEN p.placement_position = 0 THEN o.pv ELSE 0 END, CASE WHEN p.placement_position = 1 THEN o.pv ELSE 0 END, 0, 0, 0
    FROM own_day o JOIN member m ON m.id = o.member_id JOIN member p ON p.id = ANY(m.placement_path)
    WHERE (SELECT binary_on FROM binary_legs) AND p.placement_parent_id IS NOT NULL AND p.placement_position IN (0, 1)
) x
GROUP BY member_id, day, period_id;
