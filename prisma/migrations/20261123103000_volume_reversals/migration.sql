-- Reversals (refunds, cancellations) are few among a period's volume entries. A commission
-- run looks for those that cross periods; these indexes keep that from scanning every entry.
CREATE INDEX "volume_entry_reversal_period_idx" ON "volume_entry" ("period_id") WHERE "reason" <> 'ORDER_PAID';
CREATE INDEX "volume_entry_reversal_created_idx" ON "volume_entry" ("created_at") WHERE "reason" <> 'ORDER_PAID';
