-- CreateTable
CREATE TABLE "loyalty_program_version" (
    "id" SERIAL NOT NULL,
    "number" INTEGER NOT NULL,
    "document" JSONB NOT NULL,
    "comment" TEXT NOT NULL,
    "author_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "loyalty_program_version_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "loyalty_member" (
    "member_id" INTEGER NOT NULL,
    "tier" TEXT,
    "tier_since" TIMESTAMPTZ(3),
    "tier_floor" TEXT,
    "below_since" TIMESTAMPTZ(3),
    "paid_orders" INTEGER NOT NULL DEFAULT 0,
    "recruits" INTEGER NOT NULL DEFAULT 0,
    "enrolled_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revision" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "loyalty_member_pkey" PRIMARY KEY ("member_id")
);

-- CreateTable
CREATE TABLE "loyalty_event" (
    "id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "member_id" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "processed_at" TIMESTAMPTZ(3),
    "outcome" JSONB,

    CONSTRAINT "loyalty_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "points_lot" (
    "id" BIGSERIAL NOT NULL,
    "member_id" INTEGER NOT NULL,
    "point_type" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "event_id" BIGINT,
    "reference_type" TEXT,
    "reference_id" TEXT,
    "description" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "amount" INTEGER NOT NULL,
    "remaining" INTEGER NOT NULL DEFAULT 0,
    "redeemed" INTEGER NOT NULL DEFAULT 0,
    "expired" INTEGER NOT NULL DEFAULT 0,
    "reversed" INTEGER NOT NULL DEFAULT 0,
    "earned_at" TIMESTAMPTZ(3) NOT NULL,
    "release_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "warned_at" TIMESTAMPTZ(3),

    CONSTRAINT "points_lot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "badge_award" (
    "member_id" INTEGER NOT NULL,
    "badge" TEXT NOT NULL,
    "earned_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "badge_award_pkey" PRIMARY KEY ("member_id","badge")
);

-- CreateTable
CREATE TABLE "reward" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "kind" TEXT NOT NULL,
    "point_type" TEXT NOT NULL,
    "points_cost" INTEGER NOT NULL,
    "tier_costs" JSONB NOT NULL DEFAULT '{}',
    "min_tier" TEXT,
    "stock" INTEGER,
    "countries" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "valid_from" TIMESTAMPTZ(3),
    "valid_until" TIMESTAMPTZ(3),
    "cashback_amount" BIGINT,
    "cashback_currency" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reward_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "redemption" (
    "id" SERIAL NOT NULL,
    "reward_id" INTEGER NOT NULL,
    "member_id" INTEGER NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "point_type" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "voucher_code" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "redemption_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification" (
    "id" BIGSERIAL NOT NULL,
    "member_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "read_at" TIMESTAMPTZ(3),

    CONSTRAINT "notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "loyalty_program_version_number_key" ON "loyalty_program_version"("number");

-- CreateIndex
CREATE UNIQUE INDEX "loyalty_event_key_key" ON "loyalty_event"("key");

-- CreateIndex
CREATE INDEX "loyalty_event_member_id_id_idx" ON "loyalty_event"("member_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "points_lot_key_key" ON "points_lot"("key");

-- CreateIndex
CREATE INDEX "points_lot_member_id_point_type_status_earned_at_idx" ON "points_lot"("member_id", "point_type", "status", "earned_at");

-- CreateIndex
CREATE INDEX "points_lot_reference_type_reference_id_idx" ON "points_lot"("reference_type", "reference_id");

-- CreateIndex
CREATE INDEX "points_lot_status_release_at_idx" ON "points_lot"("status", "release_at");

-- CreateIndex
CREATE INDEX "points_lot_status_expires_at_idx" ON "points_lot"("status", "expires_at");

-- CreateIndex
CREATE INDEX "redemption_status_id_idx" ON "redemption"("status", "id");

-- CreateIndex
CREATE INDEX "redemption_member_id_id_idx" ON "redemption"("member_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "redemption_member_id_idempotency_key_key" ON "redemption"("member_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "notification_member_id_id_idx" ON "notification"("member_id", "id");

-- AddForeignKey
ALTER TABLE "redemption" ADD CONSTRAINT "redemption_reward_id_fkey" FOREIGN KEY ("reward_id") REFERENCES "reward"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Added by hand ------------------------------------------------------------------------

-- Caps: what a rule granted a member since a date.
CREATE INDEX "points_lot_member_rule_idx" ON "points_lot" ("member_id", "rule", "earned_at");

-- The applier reads what is not yet applied, oldest first.
CREATE INDEX "loyalty_event_unprocessed_idx" ON "loyalty_event" ("id") WHERE "processed_at" IS NULL;

-- A lot's points are all accounted for, and none is counted below zero.
ALTER TABLE "points_lot" ADD CONSTRAINT "points_lot_amounts" CHECK (
  "amount" > 0 AND "remaining" >= 0 AND "redeemed" >= 0 AND "expired" >= 0 AND "reversed" >= 0
  AND "remaining" + "redeemed" + "expired" + "reversed" <= "amount"
  AND ("status" <> 'PENDING' OR ("remaining" = 0 AND "redeemed" = 0 AND "expired" = 0))
  AND ("status" = 'PENDING' OR "remaining" + "redeemed" + "expired" + "reversed" = "amount")
);
ALTER TABLE "points_lot" ADD CONSTRAINT "points_lot_status" CHECK ("status" IN ('PENDING', 'ACTIVE', 'CLOSED'));
ALTER TABLE "reward" ADD CONSTRAINT "reward_stock" CHECK ("stock" IS NULL OR "stock" >= 0);
ALTER TABLE "reward" ADD CONSTRAINT "reward_cost" CHECK ("points_cost" > 0);
ALTER TABLE "loyalty_member" ADD CONSTRAINT "loyalty_member_member_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id");
