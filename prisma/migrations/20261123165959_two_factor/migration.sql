-- CreateTable
CREATE TABLE "two_factor" (
    "member_id" INTEGER NOT NULL,
    "secret" TEXT NOT NULL,
    "enabled_at" TIMESTAMPTZ(3),
    "last_step" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "two_factor_pkey" PRIMARY KEY ("member_id")
);

-- CreateTable
CREATE TABLE "recovery_code" (
    "id" SERIAL NOT NULL,
    "member_id" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "recovery_code_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "recovery_code_member_id_hash_key" ON "recovery_code"("member_id", "hash");


-- Written by hand: what Prisma's schema cannot express.
ALTER TABLE "two_factor" ADD CONSTRAINT "two_factor_member_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE CASCADE;
ALTER TABLE "recovery_code" ADD CONSTRAINT "recovery_code_member_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE CASCADE;
