-- CreateTable
CREATE TABLE "loyalty_unlock" (
    "id" BIGSERIAL NOT NULL,
    "member_id" INTEGER NOT NULL,
    "order_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "loyalty_unlock_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "loyalty_unlock_member_id_order_id_idx" ON "loyalty_unlock"("member_id", "order_id");

