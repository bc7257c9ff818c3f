-- A commit run that failed may have written some lines and credits: it is retried to the
-- end (the same run resumes), and no other commit run may start before it has finished.
DROP INDEX "commission_run_one_commit_at_a_time";
CREATE UNIQUE INDEX "commission_run_one_commit_at_a_time" ON "commission_run" ((true)) WHERE "mode" = 'COMMIT' AND "status" IN ('QUEUED', 'RUNNING', 'FAILED');
