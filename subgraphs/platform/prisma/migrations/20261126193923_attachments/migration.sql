-- CreateEnum
CREATE TYPE "AttachmentRecordType" AS ENUM ('CONTACT', 'ACCOUNT', 'LEAD', 'DEAL', 'ACTIVITY');

-- CreateEnum
CREATE TYPE "AttachmentStatus" AS ENUM ('PENDING', 'UPLOADING', 'AVAILABLE', 'INFECTED', 'REJECTED');

-- CreateTable
CREATE TABLE "Attachment" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "recordType" "AttachmentRecordType" NOT NULL,
    "recordId" UUID NOT NULL,
    "fileName" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "status" "AttachmentStatus" NOT NULL DEFAULT 'PENDING',
    "storageKey" TEXT NOT NULL,
    "sha256" TEXT,
    "statusReason" TEXT,
    "uploadedById" UUID,
    "uploadExpiresAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Attachment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Attachment_tenantId_recordType_recordId_createdAt_idx" ON "Attachment"("tenantId", "recordType", "recordId", "createdAt");

-- CreateIndex
CREATE INDEX "Attachment_tenantId_status_idx" ON "Attachment"("tenantId", "status");

-- Tenant-owned like every table with "tenantId".
ALTER TABLE "Attachment" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Attachment" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Attachment"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
