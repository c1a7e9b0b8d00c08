-- The score decay job visits every tenant whose lead scoring has an event rule with a half-life.
-- Rule sets are tenant-private (row-level security); this returns only those tenants' ids.
CREATE FUNCTION customer_decaying_score_tenants()
RETURNS SETOF uuid
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  SELECT r."tenantId"
  FROM "LeadRuleSet" r
  WHERE r."kind" = 'SCORING'
    AND EXISTS (
      SELECT 1 FROM jsonb_array_elements(COALESCE(r."rules"->'eventRules', '[]'::jsonb)) AS rule
      WHERE (rule->>'halfLifeDays') IS NOT NULL
    )
$$;
REVOKE ALL ON FUNCTION customer_decaying_score_tenants() FROM PUBLIC;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'crm_app') THEN
    GRANT EXECUTE ON FUNCTION customer_decaying_score_tenants() TO crm_app;
  END IF;
END $$;
