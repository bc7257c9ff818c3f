-- loyalty_member at fillfactor 50: the loyalty applier rewrites the state (tier, counts, revision)
-- of every member a batch touches, often several on one page in one transaction. With full
-- pages two in three of those updates could not stay on their page (a HOT update) and wrote a
-- new primary-key entry as well (35 % HOT in a 100,000-event burst). Pages made from now on
-- keep room for one new version of each row; existing pages change at their next rewrite.
ALTER TABLE "loyalty_member" SET (fillfactor = 50);
