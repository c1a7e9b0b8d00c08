-- CreateEnum
CREATE TYPE "ForecastCategory" AS ENUM ('PIPELINE', 'BEST_CASE', 'COMMIT', 'CLOSED', 'OMITTED');

-- CreateEnum
CREATE TYPE "ForecastPeriodKind" AS ENUM ('MONTH', 'QUARTER');

-- CreateTable
CREATE TABLE "Quota" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "ownerId" UUID,
    "teamId" UUID,
    "periodKind" "ForecastPeriodKind" NOT NULL,
    "year" INTEGER NOT NULL,
    "periodIndex" INTEGER NOT NULL,
    "amountMinor" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "setById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Quota_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DealForecastCategory" (
    "dealId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "category" "ForecastCategory" NOT NULL,
    "setById" UUID,
    "setAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DealForecastCategory_pkey" PRIMARY KEY ("dealId")
);

-- CreateTable
CREATE TABLE "ForecastSnapshot" (
    "tenantId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "dealId" UUID NOT NULL,
    "ownerId" UUID,
    "status" "DealStatus" NOT NULL,
    "category" "ForecastCategory" NOT NULL,
    "amountMinor" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "probability" INTEGER NOT NULL,
    "expectedCloseDate" DATE,
    "closedAt" TIMESTAMPTZ(3),
    "takenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ForecastSnapshot_pkey" PRIMARY KEY ("tenantId","day","dealId")
);

-- CreateTable
CREATE TABLE "ForecastSnapshotDay" (
    "tenantId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "takenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ForecastSnapshotDay_pkey" PRIMARY KEY ("tenantId","day")
);

-- CreateIndex
CREATE INDEX "Quota_tenantId_periodKind_year_periodIndex_idx" ON "Quota"("tenantId", "periodKind", "year", "periodIndex");

-- CreateIndex
CREATE INDEX "DealForecastCategory_tenantId_idx" ON "DealForecastCategory"("tenantId");

-- One quota per owner (or team) and period; a quota is either an owner's or a team's.
CREATE UNIQUE INDEX "Quota_owner_period_key" ON "Quota"("tenantId", "ownerId", "periodKind", "year", "periodIndex") WHERE "ownerId" IS NOT NULL;
CREATE UNIQUE INDEX "Quota_team_period_key" ON "Quota"("tenantId", "teamId", "periodKind", "year", "periodIndex") WHERE "teamId" IS NOT NULL;
ALTER TABLE "Quota" ADD CONSTRAINT "Quota_owner_or_team" CHECK (("ownerId" IS NULL) <> ("teamId" IS NULL));
ALTER TABLE "Quota" ADD CONSTRAINT "Quota_period" CHECK (("periodKind" = 'MONTH' AND "periodIndex" BETWEEN 1 AND 12) OR ("periodKind" = 'QUARTER' AND "periodIndex" BETWEEN 1 AND 4));

-- Tenant-owned (see the row_level_security migration). ForecastSnapshotDay stays outside: the
-- snapshot job reads it across tenants, and it holds no more than tenant ids and days.
ALTER TABLE "Quota" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Quota" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Quota"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "DealForecastCategory" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "DealForecastCategory" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "DealForecastCategory"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "ForecastSnapshot" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ForecastSnapshot" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "ForecastSnapshot"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
