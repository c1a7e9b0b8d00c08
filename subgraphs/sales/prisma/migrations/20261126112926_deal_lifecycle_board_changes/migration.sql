-- CreateEnum
CREATE TYPE "StageKind" AS ENUM ('OPEN', 'WON', 'LOST');

-- CreateEnum
CREATE TYPE "DealStatus" AS ENUM ('OPEN', 'WON', 'LOST');

-- AlterTable
ALTER TABLE "Deal" ADD COLUMN     "closeReason" TEXT,
ADD COLUMN     "closedAt" TIMESTAMPTZ(3),
ADD COLUMN     "deletedAt" TIMESTAMPTZ(3),
ADD COLUMN     "expectedCloseDate" DATE,
ADD COLUMN     "stageEnteredAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "status" "DealStatus" NOT NULL DEFAULT 'OPEN';

-- AlterTable
ALTER TABLE "Stage" ADD COLUMN     "archivedAt" TIMESTAMPTZ(3),
ADD COLUMN     "kind" "StageKind" NOT NULL DEFAULT 'OPEN',
ADD COLUMN     "rottingDays" INTEGER;

-- CreateTable
CREATE TABLE "DealStageChange" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "dealId" UUID NOT NULL,
    "pipelineId" UUID NOT NULL,
    "fromStageId" UUID,
    "toStageId" UUID NOT NULL,
    "changedById" UUID,
    "changedAt" TIMESTAMPTZ(3) NOT NULL,
    "secondsInFromStage" INTEGER,

    CONSTRAINT "DealStageChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BoardChange" (
    "tenantId" UUID NOT NULL,
    "pipelineId" UUID NOT NULL,
    "sequence" BIGINT NOT NULL,
    "type" TEXT NOT NULL,
    "dealId" UUID NOT NULL,
    "fromStageId" UUID,
    "toStageId" UUID,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "BoardChange_pkey" PRIMARY KEY ("pipelineId","sequence")
);

-- CreateIndex
CREATE INDEX "DealStageChange_tenantId_dealId_changedAt_idx" ON "DealStageChange"("tenantId", "dealId", "changedAt");

-- CreateIndex
CREATE INDEX "BoardChange_tenantId_pipelineId_sequence_idx" ON "BoardChange"("tenantId", "pipelineId", "sequence");

-- AddForeignKey
ALTER TABLE "DealStageChange" ADD CONSTRAINT "DealStageChange_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Row-level security for the new tenant tables (as in migration `row_level_security`).
ALTER TABLE "DealStageChange" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "DealStageChange" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "DealStageChange"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "BoardChange" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "BoardChange" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "BoardChange"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
