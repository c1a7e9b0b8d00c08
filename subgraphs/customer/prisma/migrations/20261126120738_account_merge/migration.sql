-- CreateTable
CREATE TABLE "AccountMerge" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "survivorId" UUID NOT NULL,
    "mergedIds" UUID[],
    "snapshot" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "undoableUntil" TIMESTAMPTZ(3) NOT NULL,
    "undoneAt" TIMESTAMPTZ(3),

    CONSTRAINT "AccountMerge_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AccountMerge_tenantId_survivorId_idx" ON "AccountMerge"("tenantId", "survivorId");

-- Row-level security for the new tenant table (as in the row_level_security migration).
ALTER TABLE "AccountMerge" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "AccountMerge" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "AccountMerge"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
