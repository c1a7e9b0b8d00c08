-- CreateTable
CREATE TABLE "ContactMerge" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "survivorId" UUID NOT NULL,
    "mergedIds" UUID[],
    "snapshot" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "undoableUntil" TIMESTAMPTZ(3) NOT NULL,
    "undoneAt" TIMESTAMPTZ(3),

    CONSTRAINT "ContactMerge_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ContactMerge_tenantId_survivorId_idx" ON "ContactMerge"("tenantId", "survivorId");

-- Row-level security for the new tenant table (as in the row_level_security migration).
ALTER TABLE "ContactMerge" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ContactMerge" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "ContactMerge"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
