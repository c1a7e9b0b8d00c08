-- CreateEnum
CREATE TYPE "SavedViewList" AS ENUM ('CONTACTS', 'ACCOUNTS', 'LEADS', 'DEALS');

-- CreateTable
CREATE TABLE "SavedView" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "ownerId" UUID NOT NULL,
    "list" "SavedViewList" NOT NULL,
    "name" TEXT NOT NULL,
    "nameKey" TEXT NOT NULL,
    "filter" JSONB NOT NULL,
    "orderBy" JSONB NOT NULL,
    "columns" TEXT[],
    "shared" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SavedView_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SavedViewDefault" (
    "tenantId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "list" "SavedViewList" NOT NULL,
    "viewId" UUID NOT NULL,

    CONSTRAINT "SavedViewDefault_pkey" PRIMARY KEY ("tenantId","userId","list")
);

-- CreateIndex
CREATE INDEX "SavedView_tenantId_list_shared_idx" ON "SavedView"("tenantId", "list", "shared");

-- CreateIndex
CREATE UNIQUE INDEX "SavedView_tenantId_ownerId_list_nameKey_key" ON "SavedView"("tenantId", "ownerId", "list", "nameKey");

-- CreateIndex
CREATE INDEX "SavedViewDefault_viewId_idx" ON "SavedViewDefault"("viewId");

-- AddForeignKey
ALTER TABLE "SavedViewDefault" ADD CONSTRAINT "SavedViewDefault_viewId_fkey" FOREIGN KEY ("viewId") REFERENCES "SavedView"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Tenant-owned like every table with "tenantId".
ALTER TABLE "SavedView" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "SavedView" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "SavedView"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "SavedViewDefault" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "SavedViewDefault" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "SavedViewDefault"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
