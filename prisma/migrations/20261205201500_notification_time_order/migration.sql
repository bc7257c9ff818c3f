-- A member's notifications are listed newest first by when they happened (an event sent
-- with an earlier time, or history applied later, is noted after newer ones).
DROP INDEX "notification_member_id_id_idx";
CREATE INDEX "notification_member_id_created_at_id_idx" ON "notification"("member_id", "created_at", "id");
