-- AlterTable
ALTER TABLE "loyalty_member" ADD COLUMN     "rank" TEXT,
ADD COLUMN     "ranks" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "loyalty_budget" (
    "rule" TEXT NOT NULL,
    "used" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "loyalty_budget_pkey" PRIMARY KEY ("rule")
);

-- CreateTable
CREATE TABLE "mission_completion" (
    "member_id" INTEGER NOT NULL,
    "mission" TEXT NOT NULL,
    "completed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mission_completion_pkey" PRIMARY KEY ("member_id","mission")
);

-- CreateIndex
CREATE INDEX "mission_completion_mission_completed_at_idx" ON "mission_completion"("mission", "completed_at");

