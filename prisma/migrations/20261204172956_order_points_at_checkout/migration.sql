-- AlterTable
ALTER TABLE "sales_order" ADD COLUMN     "points_redeemed" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "points_returned" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "points_type" TEXT,
ADD COLUMN     "points_value" DECIMAL(14,2) NOT NULL DEFAULT 0,
ADD COLUMN     "points_value_returned" DECIMAL(14,2) NOT NULL DEFAULT 0;

