-- CreateTable
CREATE TABLE "OidcPayload" (
    "kind" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "grantId" TEXT,
    "userCode" TEXT,
    "uid" TEXT,
    "expiresAt" TIMESTAMPTZ(3),
    "consumedAt" TIMESTAMPTZ(3),

    CONSTRAINT "OidcPayload_pkey" PRIMARY KEY ("kind","id")
);

-- CreateTable
CREATE TABLE "OAuthClient" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "secretHash" TEXT NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "OAuthClient_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OidcPayload_grantId_idx" ON "OidcPayload"("grantId");

-- CreateIndex
CREATE INDEX "OidcPayload_userCode_idx" ON "OidcPayload"("userCode");

-- CreateIndex
CREATE INDEX "OidcPayload_uid_idx" ON "OidcPayload"("uid");

-- CreateIndex
CREATE INDEX "OidcPayload_expiresAt_idx" ON "OidcPayload"("expiresAt");

-- CreateIndex
CREATE INDEX "OAuthClient_tenantId_createdAt_idx" ON "OAuthClient"("tenantId", "createdAt");

-- "OidcPayload" holds the OpenID Connect provider's own state (interactions, sessions, grants,
-- codes, refresh tokens). It is written before a tenant is known (an interaction starts before
-- sign-in) and read by opaque ids that only the provider hands out, so it is platform-internal
-- like "LoginFailure" and "SigningKey": no tenant column, no row-level security.

-- Partner OAuth clients are tenant-owned like every table with "tenantId".
ALTER TABLE "OAuthClient" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "OAuthClient" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "OAuthClient"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- A client authenticates at the token endpoint before its tenant is known: this returns the one
-- client with that id.
CREATE FUNCTION platform_find_oauth_client(p_client_id uuid)
RETURNS TABLE ("id" uuid, "tenantId" uuid, "role" text, "secretHash" text, "revokedAt" timestamptz)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  SELECT c."id", c."tenantId", c."role"::text, c."secretHash", c."revokedAt"
  FROM "OAuthClient" c
  WHERE c."id" = p_client_id
$$;
REVOKE ALL ON FUNCTION platform_find_oauth_client(uuid) FROM PUBLIC;

-- The provider knows an account only by its user id (the token's `sub`): this returns the facts a
-- token needs (tenant, role, email, still active).
CREATE FUNCTION platform_find_oauth_account(p_user_id uuid)
RETURNS TABLE ("id" uuid, "tenantId" uuid, "role" text, "email" text, "active" boolean)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  SELECT u."id", u."tenantId", u."role"::text, u."email", u."active"
  FROM "User" u
  WHERE u."id" = p_user_id
$$;
REVOKE ALL ON FUNCTION platform_find_oauth_account(uuid) FROM PUBLIC;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'crm_app') THEN
    GRANT EXECUTE ON FUNCTION platform_find_oauth_client(uuid) TO crm_app;
    GRANT EXECUTE ON FUNCTION platform_find_oauth_account(uuid) TO crm_app;
  END IF;
END
$$;
