-- GDPR erasure: the audit log stays append-only except for one change, made by one function:
-- the `changes` of entries about an erased person are replaced by a redaction marker. Who did
-- what, to which record and when stays; the erasure's own entries are never redacted.

CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND current_setting('app.audit_redaction', true) = 'on'
     AND NEW."changes" = '{"redacted": "personal data erased"}'::jsonb
     AND (NEW."id", NEW."tenantId", NEW."eventId", NEW."actorId", NEW."actorKind", NEW."action", NEW."recordType", NEW."recordId",
          NEW."requestId", NEW."occurredAt", NEW."recordedAt", NEW."relatedIds")
         IS NOT DISTINCT FROM
         (OLD."id", OLD."tenantId", OLD."eventId", OLD."actorId", OLD."actorKind", OLD."action", OLD."recordType", OLD."recordId",
          OLD."requestId", OLD."occurredAt", OLD."recordedAt", OLD."relatedIds")
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'The audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;

-- Row-level security lets a redaction touch the tenant's own entries only.
CREATE POLICY tenant_redact ON "AuditEntry" FOR UPDATE
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- Redacts the entries about `p_record` (or naming it) in the tenant; returns how many changed.
CREATE FUNCTION platform_redact_audit_entries(p_tenant uuid, p_record text)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
  redacted integer;
BEGIN
  PERFORM set_config('app.audit_redaction', 'on', true);
  UPDATE "AuditEntry"
  SET "changes" = '{"redacted": "personal data erased"}'::jsonb
  WHERE "tenantId" = p_tenant
    AND ("recordId" = p_record OR p_record = ANY ("relatedIds"))
    AND "action" NOT LIKE '%erasure%'
    AND "action" NOT LIKE '%.personal_data.%'
    AND "changes" <> '{"redacted": "personal data erased"}'::jsonb;
  GET DIAGNOSTICS redacted = ROW_COUNT;
  PERFORM set_config('app.audit_redaction', 'off', true);
  RETURN redacted;
END
$$;
REVOKE ALL ON FUNCTION platform_redact_audit_entries(uuid, text) FROM PUBLIC;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'crm_app') THEN
    GRANT EXECUTE ON FUNCTION platform_redact_audit_entries(uuid, text) TO crm_app;
  END IF;
END $$;
