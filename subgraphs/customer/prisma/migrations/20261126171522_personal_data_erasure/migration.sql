-- CreateTable
CREATE TABLE "PersonalDataErasure" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "contactId" UUID NOT NULL,
    "requestedById" UUID,
    "status" TEXT NOT NULL,
    "reports" JSONB NOT NULL DEFAULT '{}',
    "requestedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMPTZ(3),

    CONSTRAINT "PersonalDataErasure_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PersonalDataErasure_tenantId_contactId_key" ON "PersonalDataErasure"("tenantId", "contactId");

-- Row-level security (as in migration `row_level_security`).
ALTER TABLE "PersonalDataErasure" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "PersonalDataErasure" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "PersonalDataErasure"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
