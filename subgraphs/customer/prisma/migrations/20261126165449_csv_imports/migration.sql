-- CreateEnum
CREATE TYPE "ImportEntity" AS ENUM ('CONTACT', 'ACCOUNT', 'LEAD');

-- CreateEnum
CREATE TYPE "ImportStatus" AS ENUM ('UPLOADED', 'QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'UNDONE');

-- CreateEnum
CREATE TYPE "ImportDedupPolicy" AS ENUM ('SKIP', 'UPDATE', 'CREATE');

-- CreateTable
CREATE TABLE "ImportJob" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "entity" "ImportEntity" NOT NULL,
    "status" "ImportStatus" NOT NULL DEFAULT 'UPLOADED',
    "fileName" TEXT,
    "columns" TEXT[],
    "delimiter" TEXT NOT NULL,
    "totalRows" INTEGER NOT NULL,
    "mapping" JSONB NOT NULL DEFAULT '{}',
    "dedupPolicy" "ImportDedupPolicy" NOT NULL DEFAULT 'SKIP',
    "createdById" UUID,
    "principal" JSONB NOT NULL,
    "ownerId" UUID,
    "processedRows" INTEGER NOT NULL DEFAULT 0,
    "createdCount" INTEGER NOT NULL DEFAULT 0,
    "updatedCount" INTEGER NOT NULL DEFAULT 0,
    "skippedCount" INTEGER NOT NULL DEFAULT 0,
    "failedCount" INTEGER NOT NULL DEFAULT 0,
    "failure" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "undoneAt" TIMESTAMPTZ(3),

    CONSTRAINT "ImportJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImportFile" (
    "jobId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "content" BYTEA NOT NULL,

    CONSTRAINT "ImportFile_pkey" PRIMARY KEY ("jobId")
);

-- CreateTable
CREATE TABLE "ImportRowError" (
    "jobId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "rowNumber" INTEGER NOT NULL,
    "column" TEXT,
    "reason" TEXT NOT NULL,
    "values" TEXT[],

    CONSTRAINT "ImportRowError_pkey" PRIMARY KEY ("jobId","rowNumber")
);

-- CreateTable
CREATE TABLE "ImportChange" (
    "jobId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "recordId" UUID NOT NULL,
    "created" BOOLEAN NOT NULL,
    "previous" JSONB,

    CONSTRAINT "ImportChange_pkey" PRIMARY KEY ("jobId","recordId")
);

-- CreateTable
CREATE TABLE "ImportQueue" (
    "jobId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "enqueuedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMPTZ(3),

    CONSTRAINT "ImportQueue_pkey" PRIMARY KEY ("jobId")
);

-- CreateTable
CREATE TABLE "ImportMapping" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "entity" "ImportEntity" NOT NULL,
    "name" TEXT NOT NULL,
    "mapping" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ImportMapping_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ImportJob_tenantId_createdAt_idx" ON "ImportJob"("tenantId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ImportMapping_tenantId_entity_name_key" ON "ImportMapping"("tenantId", "entity", "name");

-- Row-level security for the tenant-owned import tables (as in the row_level_security migration).
-- "ImportQueue" is not tenant-owned: runners claim jobs across tenants, then work inside the job's tenant.

ALTER TABLE "ImportJob" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ImportJob" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "ImportJob"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "ImportFile" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ImportFile" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "ImportFile"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "ImportRowError" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ImportRowError" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "ImportRowError"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "ImportChange" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ImportChange" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "ImportChange"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "ImportMapping" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ImportMapping" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "ImportMapping"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
