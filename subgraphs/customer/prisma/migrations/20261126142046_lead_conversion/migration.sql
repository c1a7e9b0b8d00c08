-- CreateEnum
CREATE TYPE "LeadConversionStatus" AS ENUM ('PENDING', 'COMPLETED', 'FAILED');

-- CreateTable
CREATE TABLE "LeadConversion" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "leadId" UUID NOT NULL,
    "status" "LeadConversionStatus" NOT NULL,
    "previousLeadStatus" "LeadStatus" NOT NULL,
    "contactId" UUID NOT NULL,
    "contactCreated" BOOLEAN NOT NULL,
    "accountId" UUID,
    "accountCreated" BOOLEAN NOT NULL DEFAULT false,
    "linkCreated" BOOLEAN NOT NULL DEFAULT false,
    "dealInput" JSONB,
    "dealId" UUID,
    "failureReason" TEXT,
    "idempotencyKey" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "LeadConversion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "LeadConversion_tenantId_leadId_idx" ON "LeadConversion"("tenantId", "leadId");

-- CreateIndex
CREATE UNIQUE INDEX "LeadConversion_tenantId_idempotencyKey_key" ON "LeadConversion"("tenantId", "idempotencyKey");

-- At most one conversion per lead that has not failed (a failed one gives the lead back).
CREATE UNIQUE INDEX "LeadConversion_live_lead_key" ON "LeadConversion"("leadId") WHERE "status" <> 'FAILED';

-- Conversions are tenant-owned (see the row_level_security migration).
ALTER TABLE "LeadConversion" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "LeadConversion" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "LeadConversion"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
