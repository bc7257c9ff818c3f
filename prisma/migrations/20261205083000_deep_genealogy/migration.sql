-- Deep trees: a B-tree entry holds at most ~2.7 kB, so a path of more than about 660
-- levels cannot be indexed whole (outermost-leg spillover grows one level per recruit).
-- Members above level 500 keep the (depth, path) indexes; members at level 500 and below
-- are indexed by the first 500 elements of their path and their id: descendants of a
-- member at such a level are a contiguous range of that key, narrowed by the one path
-- element that names the member. Both halves are partial indexes, so shallow trees (all
-- of them in practice) keep their index-only scans.
DROP INDEX "member_sponsor_tree_idx";
DROP INDEX "member_placement_tree_idx";
DROP INDEX "member_placement_open_idx";
CREATE INDEX "member_sponsor_tree_idx" ON "member"("sponsor_depth", "sponsor_path") INCLUDE ("joined_at") WHERE "sponsor_depth" < 500;
CREATE INDEX "member_placement_tree_idx" ON "member"("placement_depth", "placement_path") INCLUDE ("joined_at") WHERE "placement_depth" < 500;
CREATE INDEX "member_placement_open_idx" ON "member"("placement_depth", "placement_path") WHERE NOT "placement_full" AND "placement_depth" < 500;
CREATE INDEX "member_sponsor_deep_idx" ON "member"("sponsor_depth", ("sponsor_path"[1:500]), "id") INCLUDE ("joined_at") WHERE "sponsor_depth" >= 500;
CREATE INDEX "member_placement_deep_idx" ON "member"("placement_depth", ("placement_path"[1:500]), "id") INCLUDE ("joined_at") WHERE "placement_depth" >= 500;
CREATE INDEX "member_placement_open_deep_idx" ON "member"("placement_depth", ("placement_path"[1:500]), "id") WHERE NOT "placement_full" AND "placement_depth" >= 500;
