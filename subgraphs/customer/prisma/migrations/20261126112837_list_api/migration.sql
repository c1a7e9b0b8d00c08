-- CreateEnum
CREATE TYPE "LifecycleStage" AS ENUM ('SUBSCRIBER', 'LEAD', 'MARKETING_QUALIFIED', 'SALES_QUALIFIED', 'OPPORTUNITY', 'CUSTOMER', 'EVANGELIST', 'OTHER');

-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "deletedAt" TIMESTAMPTZ(3),
ADD COLUMN     "employees" INTEGER;

-- AlterTable
ALTER TABLE "Contact" ADD COLUMN     "deletedAt" TIMESTAMPTZ(3),
ADD COLUMN     "lifecycleStage" "LifecycleStage" NOT NULL DEFAULT 'SUBSCRIBER',
ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "Lead" ADD COLUMN     "deletedAt" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "Account_tenantId_name_idx" ON "Account"("tenantId", "name");

-- CreateIndex
CREATE INDEX "Account_tenantId_industry_idx" ON "Account"("tenantId", "industry");

-- CreateIndex
CREATE INDEX "Contact_tenantId_lastName_firstName_idx" ON "Contact"("tenantId", "lastName", "firstName");

-- CreateIndex
CREATE INDEX "Contact_tenantId_lifecycleStage_idx" ON "Contact"("tenantId", "lifecycleStage");
