-- CreateTable
CREATE TABLE "ApiKey" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "prefix" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),
    "lastUsedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "eventId" UUID NOT NULL,
    "actorId" UUID,
    "actorKind" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "recordType" TEXT NOT NULL,
    "recordId" TEXT NOT NULL,
    "changes" JSONB NOT NULL,
    "requestId" TEXT,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Invitation" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "teamId" UUID,
    "tokenHash" TEXT NOT NULL,
    "invitedById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "acceptedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Invitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LoginFailure" (
    "id" BIGSERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "attemptedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LoginFailure_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_keyHash_key" ON "ApiKey"("keyHash");

-- CreateIndex
CREATE INDEX "ApiKey_tenantId_createdAt_idx" ON "ApiKey"("tenantId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEntry_eventId_key" ON "AuditEntry"("eventId");

-- CreateIndex
CREATE INDEX "AuditEntry_tenantId_occurredAt_id_idx" ON "AuditEntry"("tenantId", "occurredAt", "id");

-- CreateIndex
CREATE INDEX "AuditEntry_tenantId_recordId_occurredAt_idx" ON "AuditEntry"("tenantId", "recordId", "occurredAt");

-- CreateIndex
CREATE INDEX "AuditEntry_tenantId_actorId_occurredAt_idx" ON "AuditEntry"("tenantId", "actorId", "occurredAt");

-- CreateIndex
CREATE UNIQUE INDEX "Invitation_tokenHash_key" ON "Invitation"("tokenHash");

-- CreateIndex
CREATE INDEX "Invitation_tenantId_email_idx" ON "Invitation"("tenantId", "email");

-- CreateIndex
CREATE INDEX "LoginFailure_email_attemptedAt_idx" ON "LoginFailure"("email", "attemptedAt");

-- Row-level security for the new tenant tables (see the row_level_security migration).
ALTER TABLE "ApiKey" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ApiKey" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "ApiKey"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "Invitation" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Invitation" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Invitation"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- The audit trail is append-only, three times over:
-- 1. policies exist only for SELECT and INSERT, so under forced RLS an UPDATE or DELETE reaches no row;
-- 2. a trigger refuses UPDATE, DELETE and TRUNCATE outright, for every role, owner included;
-- 3. the application role loses the UPDATE and DELETE privileges (note: a later blanket
--    `GRANT ... ON ALL TABLES` gives them back, which is why 1 and 2 do not depend on it).
ALTER TABLE "AuditEntry" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "AuditEntry" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_read ON "AuditEntry" FOR SELECT
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY tenant_append ON "AuditEntry" FOR INSERT
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

CREATE FUNCTION audit_entry_append_only() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  RAISE EXCEPTION 'The audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON "AuditEntry"
  FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON "AuditEntry"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only();

-- "LoginFailure" is platform-internal (sign-in happens before a tenant is known) and has no policies.

-- An API key is presented before its tenant is known: this returns the one key with that digest.
CREATE FUNCTION platform_find_api_key(p_key_hash text)
RETURNS TABLE ("id" uuid, "tenantId" uuid, "role" text, "expiresAt" timestamptz, "revokedAt" timestamptz, "lastUsedAt" timestamptz)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  SELECT k."id", k."tenantId", k."role"::text, k."expiresAt", k."revokedAt", k."lastUsedAt"
  FROM "ApiKey" k
  WHERE k."keyHash" = p_key_hash
$$;
REVOKE ALL ON FUNCTION platform_find_api_key(text) FROM PUBLIC;

-- Accepting an invitation happens before sign-in: this returns the one invitation with that digest.
CREATE FUNCTION platform_find_invitation(p_token_hash text)
RETURNS TABLE ("id" uuid, "tenantId" uuid)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  SELECT i."id", i."tenantId" FROM "Invitation" i WHERE i."tokenHash" = p_token_hash
$$;
REVOKE ALL ON FUNCTION platform_find_invitation(text) FROM PUBLIC;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'crm_app') THEN
    REVOKE UPDATE, DELETE, TRUNCATE ON "AuditEntry" FROM crm_app;
    GRANT EXECUTE ON FUNCTION platform_find_api_key(text) TO crm_app;
    GRANT EXECUTE ON FUNCTION platform_find_invitation(text) TO crm_app;
  END IF;
END
$$;
