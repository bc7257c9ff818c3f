-- CreateEnum
CREATE TYPE "WithdrawalStatus" AS ENUM ('REQUESTED', 'APPROVED', 'REJECTED', 'PAID');

-- CreateEnum
CREATE TYPE "PayoutBatchStatus" AS ENUM ('OPEN', 'PAID');

-- CreateTable
CREATE TABLE "payout_method" (
    "member_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'BANK_TRANSFER',
    "holder" TEXT NOT NULL,
    "iban" TEXT NOT NULL,
    "bic" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payout_method_pkey" PRIMARY KEY ("member_id")
);

-- CreateTable
CREATE TABLE "wallet_transfer" (
    "id" SERIAL NOT NULL,
    "from_member_id" INTEGER NOT NULL,
    "to_member_id" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "fee" BIGINT NOT NULL,
    "note" TEXT,
    "idempotency_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "wallet_transfer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "withdrawal" (
    "id" SERIAL NOT NULL,
    "member_id" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "fee" BIGINT NOT NULL,
    "status" "WithdrawalStatus" NOT NULL DEFAULT 'REQUESTED',
    "payout_holder" TEXT NOT NULL,
    "payout_iban" TEXT NOT NULL,
    "payout_bic" TEXT,
    "idempotency_key" TEXT NOT NULL,
    "reject_reason" TEXT,
    "decided_by_id" INTEGER,
    "batch_id" INTEGER,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_at" TIMESTAMPTZ(3),
    "paid_at" TIMESTAMPTZ(3),

    CONSTRAINT "withdrawal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payout_batch" (
    "id" SERIAL NOT NULL,
    "status" "PayoutBatchStatus" NOT NULL DEFAULT 'OPEN',
    "provider" TEXT NOT NULL DEFAULT 'manual',
    "created_by_id" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "paid_at" TIMESTAMPTZ(3),
    "reference" TEXT,

    CONSTRAINT "payout_batch_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "wallet_transfer_from_member_id_idempotency_key_key" ON "wallet_transfer"("from_member_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "withdrawal_status_requested_at_idx" ON "withdrawal"("status", "requested_at");

-- CreateIndex
CREATE INDEX "withdrawal_member_id_requested_at_idx" ON "withdrawal"("member_id", "requested_at");

-- CreateIndex
CREATE INDEX "withdrawal_batch_id_idx" ON "withdrawal"("batch_id");

-- CreateIndex
CREATE UNIQUE INDEX "withdrawal_member_id_idempotency_key_key" ON "withdrawal"("member_id", "idempotency_key");

-- AddForeignKey
ALTER TABLE "payout_method" ADD CONSTRAINT "payout_method_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "wallet_transfer" ADD CONSTRAINT "wallet_transfer_from_member_id_fkey" FOREIGN KEY ("from_member_id") REFERENCES "member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "wallet_transfer" ADD CONSTRAINT "wallet_transfer_to_member_id_fkey" FOREIGN KEY ("to_member_id") REFERENCES "member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "withdrawal" ADD CONSTRAINT "withdrawal_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "withdrawal" ADD CONSTRAINT "withdrawal_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "payout_batch"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Money moves in the ledger; these rows only describe it, in the ledger's minor units.
ALTER TABLE "wallet_transfer" ADD CONSTRAINT "wallet_transfer_amounts" CHECK ("amount" > 0 AND "fee" >= 0 AND "from_member_id" <> "to_member_id");
ALTER TABLE "withdrawal" ADD CONSTRAINT "withdrawal_amounts" CHECK ("amount" > 0 AND "fee" >= 0);
