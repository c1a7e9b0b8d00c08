-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "persistedOnly" BOOLEAN NOT NULL DEFAULT false;

-- The key lookup (before the tenant is known) also tells whether the key is persisted-only.
-- Its result type changes, so the function is replaced, not altered.
DROP FUNCTION platform_find_api_key(text);
CREATE FUNCTION platform_find_api_key(p_key_hash text)
RETURNS TABLE ("id" uuid, "tenantId" uuid, "role" text, "expiresAt" timestamptz, "revokedAt" timestamptz, "lastUsedAt" timestamptz, "persistedOnly" boolean)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  SELECT k."id", k."tenantId", k."role"::text, k."expiresAt", k."revokedAt", k."lastUsedAt", k."persistedOnly"
  FROM "ApiKey" k
  WHERE k."keyHash" = p_key_hash
$$;
REVOKE ALL ON FUNCTION platform_find_api_key(text) FROM PUBLIC;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'crm_app') THEN
    GRANT EXECUTE ON FUNCTION platform_find_api_key(text) TO crm_app;
  END IF;
END
$$;
