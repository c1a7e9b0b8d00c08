-- Row-level security: tenant-owned rows are visible and writable only inside a transaction whose
-- `app.tenant_id` (set by @crm/db per transaction) names their tenant. An unset tenant matches
-- nothing. FORCE applies the policies to the table owner too; only a role with BYPASSRLS
-- (the migration role) is exempt.

-- Tenant: a tenant sees only its own row.
ALTER TABLE "Tenant" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Tenant" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Tenant"
  USING ("id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("id" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "User" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "User" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "User"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "Team" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Team" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Team"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- "SigningKey", "OutboxEvent" and "ProcessedEvent" are platform-internal (not tenant-owned, never
-- exposed through GraphQL) and have no policies.

-- Sign-in happens before a tenant is known, so it cannot pass the policies above. The two
-- SECURITY DEFINER functions below are the only, narrow, exceptions. They run as their owner, the
-- migration role, which must bypass RLS (superuser or BYPASSRLS, as in scripts/infra/postgres.sh).
-- platform_find_login returns only what a sign-in needs for one email (optionally within one tenant
-- slug), and at most two rows: enough to tell "unique" from "in several tenants" without listing them.
CREATE FUNCTION platform_find_login(p_email text, p_slug text)
RETURNS TABLE ("userId" uuid, "tenantId" uuid, "passwordHash" text, "active" boolean, "role" text)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  SELECT u."id", u."tenantId", u."passwordHash", u."active", u."role"::text
  FROM "User" u
  JOIN "Tenant" t ON t."id" = u."tenantId"
  WHERE u."email" = lower(btrim(p_email))
    AND (p_slug IS NULL OR t."slug" = lower(btrim(p_slug)))
  ORDER BY u."createdAt", u."id"
  LIMIT 2
$$;

REVOKE ALL ON FUNCTION platform_find_login(text, text) FROM PUBLIC;

-- Provisioning resolves a tenant slug (public, e.g. in sign-in links) to the tenant's id; the
-- tenant row itself is then read with that tenant set.
CREATE FUNCTION platform_tenant_id_by_slug(p_slug text)
RETURNS uuid
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  SELECT t."id" FROM "Tenant" t WHERE t."slug" = lower(btrim(p_slug))
$$;

REVOKE ALL ON FUNCTION platform_tenant_id_by_slug(text) FROM PUBLIC;

-- The application role does not exist everywhere the migrations run (e.g. a bare database).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'crm_app') THEN
    GRANT EXECUTE ON FUNCTION platform_find_login(text, text) TO crm_app;
    GRANT EXECUTE ON FUNCTION platform_tenant_id_by_slug(text) TO crm_app;
  END IF;
END
$$;
