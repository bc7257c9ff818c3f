-- The release sweep reads PENDING lots by release_at, expiry and its warnings ACTIVE lots
-- by expires_at, and nothing else reads either column by status: one partial index each
-- instead of two over every lot. A lot is in at most one of them (a new order's points in
-- the release index, other points in the expiry index), one index entry fewer per grant.
DROP INDEX "points_lot_status_release_at_idx";
DROP INDEX "points_lot_status_expires_at_idx";
CREATE INDEX "points_lot_pending_release_idx" ON "points_lot" ("release_at") WHERE "status" = 'PENDING';
CREATE INDEX "points_lot_active_expiry_idx" ON "points_lot" ("expires_at") WHERE "status" = 'ACTIVE';
