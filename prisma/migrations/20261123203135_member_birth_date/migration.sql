-- AlterTable
ALTER TABLE "member" ADD COLUMN     "birth_date" DATE;

