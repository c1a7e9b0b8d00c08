-- Row-level security: a row is visible and writable only inside a transaction whose
-- `app.tenant_id` (set by @crm/db per transaction) is the row's tenant. Without a tenant set,
-- nothing matches. FORCE applies the policy to the table owner as well; only roles with
-- BYPASSRLS (migrations, superuser) see across tenants.
-- OutboxEvent and ProcessedEvent stay outside: internal tables the relay reads across tenants.

ALTER TABLE "Pipeline" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Pipeline" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Pipeline"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "Stage" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Stage" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Stage"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "Deal" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Deal" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Deal"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
