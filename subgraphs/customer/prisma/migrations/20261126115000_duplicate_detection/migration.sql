-- Similar-name duplicate detection uses pg_trgm. Where the extension cannot be installed (the
-- embedded PGlite database does not ship it), detection falls back to exact names and this
-- migration still succeeds; the application checks `pg_extension` at run time.
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'pg_trgm is not available; duplicate detection matches names exactly';
END
$$;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    EXECUTE 'CREATE INDEX IF NOT EXISTS "Contact_fullName_trgm_idx" ON "Contact" USING gin ((lower("firstName" || '' '' || "lastName")) gin_trgm_ops)';
  END IF;
END
$$;

-- Exact matches on the digits of the primary phone.
CREATE INDEX IF NOT EXISTS "Contact_tenantId_phoneDigits_idx" ON "Contact" ("tenantId", (regexp_replace(coalesce("phone", ''), '[^0-9]', '', 'g')));
