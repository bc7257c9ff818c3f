-- CreateEnum
CREATE TYPE "PaymentStatus" AS ENUM ('PENDING', 'SUCCEEDED', 'FAILED');

-- AlterTable
ALTER TABLE "payment" ADD COLUMN     "failure" TEXT,
ADD COLUMN     "idempotency_key" TEXT,
ADD COLUMN     "lease_until" TIMESTAMPTZ(3),
ADD COLUMN     "plan" JSONB,
ADD COLUMN     "settled_at" TIMESTAMPTZ(3),
ADD COLUMN     "status" "PaymentStatus" NOT NULL DEFAULT 'SUCCEEDED',
ALTER COLUMN "reference" DROP NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "payment_idempotency_key_key" ON "payment"("idempotency_key");


-- Payments recorded before attempts existed were settled when written.
UPDATE "payment" SET "settled_at" = "created_at" WHERE "settled_at" IS NULL;

-- One provider call in flight per order: a second charge or refund waits its turn.
CREATE UNIQUE INDEX "payment_one_pending_per_order" ON "payment"("order_id") WHERE "status" = 'PENDING';
