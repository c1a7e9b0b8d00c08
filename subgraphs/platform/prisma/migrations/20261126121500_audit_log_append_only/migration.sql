-- The audit log is append-only. The comment tells the migration runner's grant step
-- (packages/db) to grant the application role SELECT and INSERT only on this table.
COMMENT ON TABLE "AuditEntry" IS 'append-only: audit entries are never updated or deleted';

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'crm_app') THEN
    REVOKE UPDATE, DELETE, TRUNCATE ON "AuditEntry" FROM crm_app;
  END IF;
END $$;
