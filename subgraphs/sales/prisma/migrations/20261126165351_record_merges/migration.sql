-- CreateTable
CREATE TABLE "RecordMergeMove" (
    "tenantId" UUID NOT NULL,
    "mergeId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "itemId" UUID NOT NULL,
    "fromId" UUID NOT NULL,
    "detail" JSONB,
    "movedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RecordMergeMove_pkey" PRIMARY KEY ("mergeId","kind","itemId","fromId")
);

-- CreateIndex
CREATE INDEX "RecordMergeMove_tenantId_mergeId_idx" ON "RecordMergeMove"("tenantId", "mergeId");

-- Row-level security (as in migration `row_level_security`).
ALTER TABLE "RecordMergeMove" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "RecordMergeMove" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "RecordMergeMove"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
