-- AlterTable
ALTER TABLE "AuditEntry" ADD COLUMN     "relatedIds" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateIndex
CREATE INDEX "AuditEntry_relatedIds_idx" ON "AuditEntry" USING GIN ("relatedIds");

-- Entries recorded before this migration keep an empty list (the log is append-only): they show
-- on the timeline of their own record only.
