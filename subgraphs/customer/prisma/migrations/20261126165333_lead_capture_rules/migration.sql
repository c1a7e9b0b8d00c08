-- CreateTable
CREATE TABLE "LeadForm" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "fields" TEXT[],
    "redirectUrl" TEXT,
    "allowedOrigins" TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LeadForm_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LeadFormSubmission" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "formId" UUID NOT NULL,
    "leadId" UUID,
    "email" TEXT,
    "phone" TEXT,
    "message" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LeadFormSubmission_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LeadRuleSet" (
    "tenantId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "rules" JSONB NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LeadRuleSet_pkey" PRIMARY KEY ("tenantId","kind")
);

-- CreateTable
CREATE TABLE "LeadScore" (
    "leadId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "breakdown" JSONB NOT NULL,
    "computedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "LeadScore_pkey" PRIMARY KEY ("leadId")
);

-- CreateTable
CREATE TABLE "LeadScoreEvent" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "leadId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "activityType" TEXT,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "LeadScoreEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LeadAssignmentCursor" (
    "tenantId" UUID NOT NULL,
    "ruleId" TEXT NOT NULL,
    "position" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "LeadAssignmentCursor_pkey" PRIMARY KEY ("tenantId","ruleId")
);

-- CreateTable
CREATE TABLE "LeadAssignee" (
    "tenantId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "teamId" UUID,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LeadAssignee_pkey" PRIMARY KEY ("tenantId","userId")
);

-- CreateIndex
CREATE UNIQUE INDEX "LeadForm_key_key" ON "LeadForm"("key");

-- CreateIndex
CREATE INDEX "LeadForm_tenantId_createdAt_idx" ON "LeadForm"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "LeadFormSubmission_formId_email_createdAt_idx" ON "LeadFormSubmission"("formId", "email", "createdAt");

-- CreateIndex
CREATE INDEX "LeadScoreEvent_tenantId_leadId_idx" ON "LeadScoreEvent"("tenantId", "leadId");

-- CreateIndex
CREATE INDEX "LeadAssignee_tenantId_teamId_idx" ON "LeadAssignee"("tenantId", "teamId");

-- Tenant-owned tables (see the row_level_security migration).
ALTER TABLE "LeadForm" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "LeadForm" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "LeadForm"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "LeadFormSubmission" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "LeadFormSubmission" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "LeadFormSubmission"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "LeadRuleSet" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "LeadRuleSet" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "LeadRuleSet"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "LeadScore" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "LeadScore" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "LeadScore"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "LeadScoreEvent" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "LeadScoreEvent" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "LeadScoreEvent"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "LeadAssignmentCursor" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "LeadAssignmentCursor" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "LeadAssignmentCursor"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "LeadAssignee" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "LeadAssignee" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "LeadAssignee"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- A public form post names only the form key, before the tenant is known: this narrow SECURITY
-- DEFINER lookup (run as the migration role, which bypasses RLS) returns the form's id and tenant;
-- everything else is then read with that tenant set.
CREATE FUNCTION customer_find_lead_form(p_key text)
RETURNS TABLE ("id" uuid, "tenantId" uuid)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  SELECT f."id", f."tenantId" FROM "LeadForm" f WHERE f."key" = p_key
$$;
REVOKE ALL ON FUNCTION customer_find_lead_form(text) FROM PUBLIC;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'crm_app') THEN
    GRANT EXECUTE ON FUNCTION customer_find_lead_form(text) TO crm_app;
  END IF;
END
$$;
