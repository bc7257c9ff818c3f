-- CreateEnum
CREATE TYPE "RunMode" AS ENUM ('PREVIEW', 'COMMIT');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED');

-- CreateTable
CREATE TABLE "comp_plan_version" (
    "id" SERIAL NOT NULL,
    "number" INTEGER NOT NULL,
    "document" JSONB NOT NULL,
    "comment" TEXT NOT NULL,
    "author_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "comp_plan_version_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "comp_plan_activation" (
    "id" SERIAL NOT NULL,
    "version_id" INTEGER NOT NULL,
    "from_starts_at" TIMESTAMPTZ(3) NOT NULL,
    "activated_by_id" INTEGER,
    "activated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "comp_plan_activation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "commission_run" (
    "id" SERIAL NOT NULL,
    "period_id" INTEGER NOT NULL,
    "mode" "RunMode" NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'QUEUED',
    "plan_version_id" INTEGER NOT NULL,
    "simulation" BOOLEAN NOT NULL DEFAULT false,
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "stage" TEXT NOT NULL DEFAULT 'queued',
    "cutoff_entry_id" BIGINT,
    "currency" CHAR(3) NOT NULL,
    "total_paid" BIGINT,
    "line_count" INTEGER,
    "hash" TEXT,
    "summary" JSONB,
    "error" TEXT,
    "started_by_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "heartbeat_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "commission_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "commission_line" (
    "run_id" INTEGER NOT NULL,
    "period_id" INTEGER NOT NULL,
    "member_id" INTEGER NOT NULL,
    "bonus_index" SMALLINT NOT NULL,
    "source_member_id" INTEGER NOT NULL DEFAULT 0,
    "level" SMALLINT NOT NULL DEFAULT 0,
    "bonus_type" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'EARNED',
    "basis" BIGINT NOT NULL,
    "rate_ppm" INTEGER NOT NULL,
    "uncapped" BIGINT NOT NULL,
    "amount" BIGINT NOT NULL,
    "rank_index" SMALLINT NOT NULL,
    "path" INTEGER[],
    "detail" JSONB,

    CONSTRAINT "commission_line_pkey" PRIMARY KEY ("run_id","period_id","member_id","bonus_index","source_member_id","level")
);

-- CreateTable
CREATE TABLE "commission_carry" (
    "run_id" INTEGER NOT NULL,
    "member_id" INTEGER NOT NULL,
    "left" BIGINT NOT NULL,
    "right" BIGINT NOT NULL,
    "unqualified" INTEGER NOT NULL,

    CONSTRAINT "commission_carry_pkey" PRIMARY KEY ("run_id","member_id")
);

-- CreateTable
CREATE TABLE "member_rank" (
    "period_id" INTEGER NOT NULL,
    "member_id" INTEGER NOT NULL,
    "paid_as" SMALLINT NOT NULL,
    "achieved" SMALLINT NOT NULL,
    "run_id" INTEGER NOT NULL,

    CONSTRAINT "member_rank_pkey" PRIMARY KEY ("period_id","member_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "comp_plan_version_number_key" ON "comp_plan_version"("number");

-- CreateIndex
CREATE INDEX "comp_plan_activation_from_starts_at_idx" ON "comp_plan_activation"("from_starts_at");

-- CreateIndex
CREATE INDEX "commission_run_period_id_created_at_idx" ON "commission_run"("period_id", "created_at");

-- CreateIndex
CREATE INDEX "commission_line_member_id_period_id_idx" ON "commission_line"("member_id", "period_id");

-- CreateIndex
CREATE INDEX "commission_line_period_id_idx" ON "commission_line"("period_id");

-- CreateIndex
CREATE INDEX "member_rank_member_id_idx" ON "member_rank"("member_id");

-- AddForeignKey
ALTER TABLE "comp_plan_activation" ADD CONSTRAINT "comp_plan_activation_version_id_fkey" FOREIGN KEY ("version_id") REFERENCES "comp_plan_version"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "commission_run" ADD CONSTRAINT "commission_run_period_id_fkey" FOREIGN KEY ("period_id") REFERENCES "period"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "commission_run" ADD CONSTRAINT "commission_run_plan_version_id_fkey" FOREIGN KEY ("plan_version_id") REFERENCES "comp_plan_version"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- One commit run at a time, company-wide: a commit may claw back earlier periods, and two
-- at once could claw back the same refund twice (a second start gets RUN_IN_PROGRESS).
CREATE UNIQUE INDEX "commission_run_one_commit_at_a_time" ON "commission_run" ((true)) WHERE "mode" = 'COMMIT' AND "status" IN ('QUEUED', 'RUNNING');
