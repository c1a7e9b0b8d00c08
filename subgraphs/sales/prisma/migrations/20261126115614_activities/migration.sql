-- CreateEnum
CREATE TYPE "ActivityType" AS ENUM ('TASK', 'MEETING', 'CALL', 'EMAIL', 'NOTE');

-- CreateEnum
CREATE TYPE "ActivityRecordType" AS ENUM ('DEAL', 'CONTACT', 'ACCOUNT', 'LEAD');

-- CreateTable
CREATE TABLE "Activity" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "type" "ActivityType" NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT,
    "recordType" "ActivityRecordType" NOT NULL,
    "recordId" UUID NOT NULL,
    "dueAt" TIMESTAMPTZ(3),
    "assigneeId" UUID,
    "createdById" UUID,
    "completedAt" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "deletedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Activity_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Activity_tenantId_recordType_recordId_createdAt_idx" ON "Activity"("tenantId", "recordType", "recordId", "createdAt");

-- CreateIndex
CREATE INDEX "Activity_tenantId_assigneeId_dueAt_idx" ON "Activity"("tenantId", "assigneeId", "dueAt");

-- Row-level security (as in migration `row_level_security`).
ALTER TABLE "Activity" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Activity" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Activity"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
