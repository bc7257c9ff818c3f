-- AlterTable
ALTER TABLE "loyalty_member" ADD COLUMN     "active_months" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "last_active_month" TEXT;


-- Members and customers already enrolled: the months they paid orders in so far (UTC).
UPDATE "loyalty_member" l SET "active_months" = x.n, "last_active_month" = x.last
FROM (
  SELECT coalesce(-o.customer_id, o.member_id) AS holder, count(DISTINCT to_char(o.paid_at AT TIME ZONE 'UTC', 'YYYY-MM'))::int AS n,
    max(to_char(o.paid_at AT TIME ZONE 'UTC', 'YYYY-MM')) AS last
  FROM "sales_order" o WHERE o.paid_at IS NOT NULL GROUP BY 1
) x
WHERE l."member_id" = x.holder;
