-- Row-level security: a row is visible and writable only inside a transaction whose
-- `app.tenant_id` (set per transaction by @crm/db) is the row's tenant. An unset tenant matches
-- nothing. FORCE applies the policy to the table owner as well; only roles with BYPASSRLS skip it.
-- "OutboxEvent" and "ProcessedEvent" are internal (never exposed, read across tenants by the
-- relay and consumers) and stay without RLS.

-- DealSnapshot
ALTER TABLE "DealSnapshot" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "DealSnapshot" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "DealSnapshot"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
