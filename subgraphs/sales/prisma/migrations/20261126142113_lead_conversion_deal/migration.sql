-- CreateTable
CREATE TABLE "LeadConversionDeal" (
    "conversionId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "dealId" UUID,
    "failureReason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LeadConversionDeal_pkey" PRIMARY KEY ("conversionId")
);

-- CreateIndex
CREATE INDEX "LeadConversionDeal_tenantId_dealId_idx" ON "LeadConversionDeal"("tenantId", "dealId");

-- Tenant-owned (see the row_level_security migration).
ALTER TABLE "LeadConversionDeal" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "LeadConversionDeal" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "LeadConversionDeal"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
