-- CreateTable
CREATE TABLE "OutboundEmail" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "to" TEXT NOT NULL,
    "template" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMPTZ(3),

    CONSTRAINT "OutboundEmail_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OutboundEmail_sentAt_createdAt_idx" ON "OutboundEmail"("sentAt", "createdAt");

-- Tenant-owned like every table with "tenantId": the mailer reads and marks rows per tenant.
ALTER TABLE "OutboundEmail" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "OutboundEmail" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "OutboundEmail"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
