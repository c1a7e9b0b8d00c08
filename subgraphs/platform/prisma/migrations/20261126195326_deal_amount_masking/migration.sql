-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "maskDealAmountsOutsideTeam" BOOLEAN NOT NULL DEFAULT false;
