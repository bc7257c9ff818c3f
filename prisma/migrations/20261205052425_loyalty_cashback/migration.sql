-- CreateTable
CREATE TABLE "loyalty_cashback" (
    "id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "member_id" INTEGER NOT NULL,
    "order_id" INTEGER NOT NULL,
    "rule" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "amount" BIGINT NOT NULL,
    "reversed" BIGINT NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL,
    "earned_at" TIMESTAMPTZ(3) NOT NULL,
    "release_at" TIMESTAMPTZ(3) NOT NULL,
    "paid_at" TIMESTAMPTZ(3),

    CONSTRAINT "loyalty_cashback_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "loyalty_cashback_key_key" ON "loyalty_cashback"("key");

-- CreateIndex
CREATE INDEX "loyalty_cashback_order_id_idx" ON "loyalty_cashback"("order_id");

-- CreateIndex
CREATE INDEX "loyalty_cashback_member_id_idx" ON "loyalty_cashback"("member_id");

-- CreateIndex
CREATE INDEX "loyalty_cashback_status_release_at_idx" ON "loyalty_cashback"("status", "release_at");


ALTER TABLE "loyalty_cashback" ADD CONSTRAINT "loyalty_cashback_member_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id");
ALTER TABLE "loyalty_cashback" ADD CONSTRAINT "loyalty_cashback_amounts" CHECK ("amount" > 0 AND "reversed" >= 0 AND "reversed" <= "amount");
ALTER TABLE "loyalty_cashback" ADD CONSTRAINT "loyalty_cashback_status" CHECK ("status" IN ('PENDING', 'PAID', 'CANCELLED'));
