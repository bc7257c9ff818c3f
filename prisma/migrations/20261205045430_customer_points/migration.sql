-- AlterTable
ALTER TABLE "ledger_account" ADD COLUMN     "customer_id" INTEGER;

-- CreateIndex
CREATE INDEX "ledger_account_customer_id_idx" ON "ledger_account"("customer_id");

-- AddForeignKey
ALTER TABLE "ledger_account" ADD CONSTRAINT "ledger_account_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- An account belongs to a member, a retail customer or the company (both null), never to two.
ALTER TABLE "ledger_account" ADD CONSTRAINT "ledger_account_one_owner" CHECK ("owner_id" IS NULL OR "customer_id" IS NULL);
DROP INDEX "ledger_account_owner_kind_unit";
CREATE UNIQUE INDEX "ledger_account_owner_kind_unit" ON "ledger_account"(coalesce("owner_id", 0), coalesce("customer_id", 0), "kind", "unit");

-- Loyalty rows key by a holder: a member's id, or minus a retail customer's id (customers
-- are enrolled at their first purchase). Each kind of holder keeps its foreign key.
ALTER TABLE "loyalty_member" DROP CONSTRAINT "loyalty_member_member_fkey";
ALTER TABLE "loyalty_member"
  ADD COLUMN "member_ref" INTEGER GENERATED ALWAYS AS (CASE WHEN "member_id" > 0 THEN "member_id" END) STORED REFERENCES "member"("id"),
  ADD COLUMN "customer_ref" INTEGER GENERATED ALWAYS AS (CASE WHEN "member_id" < 0 THEN -"member_id" END) STORED REFERENCES "customer"("id"),
  ADD CONSTRAINT "loyalty_member_holder" CHECK ("member_id" <> 0);
