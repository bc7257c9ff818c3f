
-- CreateEnum
CREATE TYPE "Role" AS ENUM ('ADMIN', 'DISTRIBUTOR');

-- CreateEnum
CREATE TYPE "MemberStatus" AS ENUM ('ACTIVE', 'SUSPENDED');

-- CreateEnum
CREATE TYPE "Leg" AS ENUM ('LEFT', 'RIGHT');

-- CreateTable
CREATE TABLE "member" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "first_name" TEXT NOT NULL,
    "last_name" TEXT NOT NULL,
    "country" CHAR(2) NOT NULL,
    "phone" TEXT NOT NULL,
    "referral_code" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'DISTRIBUTOR',
    "status" "MemberStatus" NOT NULL DEFAULT 'ACTIVE',
    "preferred_leg" "Leg" NOT NULL DEFAULT 'LEFT',
    "sponsor_id" INTEGER,
    "sponsor_path" INTEGER[],
    "sponsor_depth" INTEGER NOT NULL,
    "placement_parent_id" INTEGER,
    "placement_position" INTEGER,
    "placement_path" INTEGER[],
    "placement_depth" INTEGER NOT NULL,
    "placement_full" BOOLEAN NOT NULL DEFAULT false,
    "joined_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "member_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "profile_change" (
    "id" BIGSERIAL NOT NULL,
    "member_id" INTEGER NOT NULL,
    "field" TEXT NOT NULL,
    "old_value" TEXT,
    "new_value" TEXT,
    "changed_by_id" INTEGER,
    "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "profile_change_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "setting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "setting_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "member_email_key" ON "member"("email");

-- CreateIndex
CREATE UNIQUE INDEX "member_referral_code_key" ON "member"("referral_code");

-- CreateIndex
CREATE INDEX "member_sponsor_id_idx" ON "member"("sponsor_id");

-- CreateIndex
CREATE INDEX "member_country_idx" ON "member"("country");

-- CreateIndex
CREATE INDEX "member_joined_at_idx" ON "member"("joined_at");

-- CreateIndex
CREATE UNIQUE INDEX "member_placement_parent_id_placement_position_key" ON "member"("placement_parent_id", "placement_position");

-- CreateIndex
CREATE INDEX "profile_change_member_id_changed_at_idx" ON "profile_change"("member_id", "changed_at");

-- AddForeignKey
ALTER TABLE "member" ADD CONSTRAINT "member_sponsor_id_fkey" FOREIGN KEY ("sponsor_id") REFERENCES "member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "member" ADD CONSTRAINT "member_placement_parent_id_fkey" FOREIGN KEY ("placement_parent_id") REFERENCES "member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "profile_change" ADD CONSTRAINT "profile_change_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "profile_change" ADD CONSTRAINT "profile_change_changed_by_id_fkey" FOREIGN KEY ("changed_by_id") REFERENCES "member"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- Genealogy indexes (hand-written: Prisma's schema language has no INCLUDE or partial indexes).
-- Descendants of a member at one level are a contiguous range of (depth, path).
CREATE INDEX "member_sponsor_tree_idx" ON "member"("sponsor_depth", "sponsor_path") INCLUDE ("joined_at");
CREATE INDEX "member_placement_tree_idx" ON "member"("placement_depth", "placement_path") INCLUDE ("joined_at");
-- Placement looks for the shallowest member with a free slot; full members drop out of this index.
CREATE INDEX "member_placement_open_idx" ON "member"("placement_depth", "placement_path") WHERE NOT "placement_full";
