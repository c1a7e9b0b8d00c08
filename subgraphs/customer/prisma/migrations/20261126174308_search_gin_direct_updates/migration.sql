-- Global search reads its GIN indexes directly, without a pending list. With GIN's default fast
-- update, inserted and updated rows collect in an unsorted pending list (up to 4 MB per index,
-- flushed by vacuum or when full), and every search scans that whole list for each condition:
-- with other tenants writing, up to about 500 pages and 20,000 entries per index per search, which
-- was most of a search's time. Writes now update the indexes in place (a few entries per row).
ALTER INDEX "Contact_searchDocument_idx" SET (fastupdate = off);
ALTER INDEX "Account_searchDocument_idx" SET (fastupdate = off);
ALTER INDEX "Lead_searchDocument_idx" SET (fastupdate = off);
SELECT gin_clean_pending_list('"Contact_searchDocument_idx"'::regclass);
SELECT gin_clean_pending_list('"Account_searchDocument_idx"'::regclass);
SELECT gin_clean_pending_list('"Lead_searchDocument_idx"'::regclass);

-- The trigram indexes of similar-name (typo) matching, where pg_trgm is installed.
DO $$
DECLARE
  index_name text;
BEGIN
  FOREACH index_name IN ARRAY ARRAY['Contact_fullName_trgm_idx', 'Account_name_trgm_idx', 'Lead_name_trgm_idx'] LOOP
    IF to_regclass(format('%I', index_name)) IS NOT NULL THEN
      EXECUTE format('ALTER INDEX %I SET (fastupdate = off)', index_name);
      PERFORM gin_clean_pending_list(format('%I', index_name)::regclass);
    END IF;
  END LOOP;
END
$$;

-- Similar lead companies: the trigram index on lower("company") (NULL without a company, which
-- matches nothing) replaces the one on lower(coalesce("company", '')). PostgreSQL does not count
-- COALESCE as leak-proof, so under row-level security it could not use that index, and the name or
-- company condition of a typo search then read and compared every lead of the tenant.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    EXECUTE 'CREATE INDEX IF NOT EXISTS "Lead_companyLower_trgm_idx" ON "Lead" USING gin ((lower("company")) gin_trgm_ops) WITH (fastupdate = off)';
    EXECUTE 'DROP INDEX IF EXISTS "Lead_company_trgm_idx"';
  END IF;
END
$$;
