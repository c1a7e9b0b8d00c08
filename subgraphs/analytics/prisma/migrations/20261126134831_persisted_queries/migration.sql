-- CreateTable
CREATE TABLE "PersistedQuery" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "document" TEXT NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "operationName" TEXT,
    "createdBy" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PersistedQuery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PersistedQuery_tenantId_createdAt_id_idx" ON "PersistedQuery"("tenantId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "PersistedQuery_tenantId_name_key" ON "PersistedQuery"("tenantId", "name");

-- Row-level security, as for every tenant table: visible and writable only inside a transaction
-- whose `app.tenant_id` is the row's tenant.
ALTER TABLE "PersistedQuery" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "PersistedQuery" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "PersistedQuery"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
