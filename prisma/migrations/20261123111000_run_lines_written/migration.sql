-- AlterTable
ALTER TABLE "commission_run" ADD COLUMN     "lines_written" INTEGER NOT NULL DEFAULT 0;

