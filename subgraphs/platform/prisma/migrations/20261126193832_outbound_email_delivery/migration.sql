-- CreateEnum
CREATE TYPE "OutboundEmailStatus" AS ENUM ('PENDING', 'SENDING', 'SENT', 'FAILED');

-- AlterTable
ALTER TABLE "OutboundEmail" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "failedAt" TIMESTAMPTZ(3),
ADD COLUMN     "lastError" TEXT,
ADD COLUMN     "leaseToken" UUID,
ADD COLUMN     "leaseUntil" TIMESTAMPTZ(3),
ADD COLUMN     "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "providerMessageId" TEXT,
ADD COLUMN     "status" "OutboundEmailStatus" NOT NULL DEFAULT 'PENDING';

-- CreateIndex
CREATE INDEX "OutboundEmail_status_nextAttemptAt_idx" ON "OutboundEmail"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "OutboundEmail_tenantId_status_createdAt_id_idx" ON "OutboundEmail"("tenantId", "status", "createdAt", "id");

-- E-mails queued before delivery existed and already stamped as sent.
UPDATE "OutboundEmail" SET "status" = 'SENT' WHERE "sentAt" IS NOT NULL;

-- The sender claims due e-mails across tenants, which the row-level security of "OutboundEmail"
-- does not allow. This function is the one exception: it marks up to `p_limit` due e-mails
-- SENDING under the lease `p_token` until `p_now + p_lease_ms`, counts the attempt, and returns
-- them. Due: PENDING with "nextAttemptAt" reached, or SENDING whose lease has passed (its sender
-- died). SKIP LOCKED lets concurrent senders claim disjoint sets; the lease keeps a claimed
-- e-mail from being claimed again while its sender works. The outcome is recorded per tenant,
-- under row-level security, by the lease holder only.
CREATE FUNCTION platform_claim_outbound_emails(p_now timestamptz, p_limit integer, p_lease_ms integer, p_token uuid)
RETURNS TABLE ("id" uuid, "tenantId" uuid, "to" text, "template" text, "data" jsonb, "attempts" integer)
LANGUAGE sql
VOLATILE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  UPDATE "OutboundEmail" AS e
  SET "status" = 'SENDING',
      "attempts" = e."attempts" + 1,
      "leaseToken" = p_token,
      "leaseUntil" = p_now + make_interval(secs => p_lease_ms / 1000.0)
  WHERE e."id" IN (
    SELECT due."id" FROM "OutboundEmail" AS due
    WHERE (due."status" = 'PENDING' AND due."nextAttemptAt" <= p_now)
       OR (due."status" = 'SENDING' AND due."leaseUntil" <= p_now)
    ORDER BY due."nextAttemptAt", due."id"
    LIMIT p_limit
    FOR UPDATE SKIP LOCKED
  )
  RETURNING e."id", e."tenantId", e."to", e."template", e."data", e."attempts";
$$;
REVOKE ALL ON FUNCTION platform_claim_outbound_emails(timestamptz, integer, integer, uuid) FROM PUBLIC;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'crm_app') THEN
    GRANT EXECUTE ON FUNCTION platform_claim_outbound_emails(timestamptz, integer, integer, uuid) TO crm_app;
  END IF;
END $$;
