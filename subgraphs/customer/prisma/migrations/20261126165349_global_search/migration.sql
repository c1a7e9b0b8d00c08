-- Global search (`search` query, modules/search). Each record type gets a weighted full-text
-- document as an expression GIN index (names A, e-mail/domain B, company/industry/source C; the
-- 'simple' configuration, so names are not stemmed; e-mail and domain split at . @ _ + -). The
-- expressions must stay identical to `documentSql` in modules/search/lib/documents.ts, or the
-- planner will not use the indexes.
CREATE INDEX IF NOT EXISTS "Contact_search_idx" ON "Contact" USING gin ((
  setweight(to_tsvector('simple'::regconfig, "firstName" || ' ' || "lastName"), 'A')
  || setweight(to_tsvector('simple'::regconfig, regexp_replace(coalesce("email", ''), '[@._+-]+', ' ', 'g')), 'B')
));

CREATE INDEX IF NOT EXISTS "Account_search_idx" ON "Account" USING gin ((
  setweight(to_tsvector('simple'::regconfig, "name"), 'A')
  || setweight(to_tsvector('simple'::regconfig, regexp_replace(coalesce("domain", ''), '[@._+-]+', ' ', 'g')), 'B')
  || setweight(to_tsvector('simple'::regconfig, coalesce("industry", '')), 'C')
));

CREATE INDEX IF NOT EXISTS "Lead_search_idx" ON "Lead" USING gin ((
  setweight(to_tsvector('simple'::regconfig, "name"), 'A')
  || setweight(to_tsvector('simple'::regconfig, regexp_replace(coalesce("email", ''), '[@._+-]+', ' ', 'g')), 'B')
  || setweight(to_tsvector('simple'::regconfig, coalesce("company", '') || ' ' || coalesce("source", '')), 'C')
));

-- Typo tolerance: trigram indexes on the names (the contact's full-name index comes from the
-- duplicate detection migration). Only where pg_trgm is installed (not in embedded PGlite, where
-- search matches whole words and prefixes only).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    EXECUTE 'CREATE INDEX IF NOT EXISTS "Contact_fullName_trgm_idx" ON "Contact" USING gin ((lower("firstName" || '' '' || "lastName")) gin_trgm_ops)';
    EXECUTE 'CREATE INDEX IF NOT EXISTS "Account_name_trgm_idx" ON "Account" USING gin ((lower("name")) gin_trgm_ops)';
    EXECUTE 'CREATE INDEX IF NOT EXISTS "Lead_name_trgm_idx" ON "Lead" USING gin ((lower("name")) gin_trgm_ops)';
    EXECUTE 'CREATE INDEX IF NOT EXISTS "Lead_company_trgm_idx" ON "Lead" USING gin ((lower(coalesce("company", ''''))) gin_trgm_ops)';
  END IF;
END
$$;
