-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "corsOrigins" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- Preflights carry no credentials, so the gateway asks whether ANY tenant allows an origin before
-- it knows the caller's tenant (the request itself is then held to its own tenant's list).
CREATE INDEX "Tenant_corsOrigins_idx" ON "Tenant" USING GIN ("corsOrigins");

-- Like platform_tenant_id_by_slug: a narrow SECURITY DEFINER exception to the Tenant row policy
-- that answers yes or no and reveals no tenant.
CREATE FUNCTION platform_origin_allowed(p_origin text)
RETURNS boolean
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  SELECT EXISTS (SELECT 1 FROM "Tenant" t WHERE t."corsOrigins" @> ARRAY[p_origin])
$$;

REVOKE ALL ON FUNCTION platform_origin_allowed(text) FROM PUBLIC;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'crm_app') THEN
    GRANT EXECUTE ON FUNCTION platform_origin_allowed(text) TO crm_app;
  END IF;
END
$$;
