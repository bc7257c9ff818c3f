-- AlterTable
ALTER TABLE "reward" ADD COLUMN     "segment" TEXT;

