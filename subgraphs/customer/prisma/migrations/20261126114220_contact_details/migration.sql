-- CreateEnum
CREATE TYPE "ContactRelationshipKind" AS ENUM ('REPORTS_TO', 'ASSISTANT_OF', 'REFERRED_BY');

-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "parentId" UUID,
ADD COLUMN     "revenueCurrency" TEXT,
ADD COLUMN     "revenueMinor" BIGINT;

-- AlterTable
ALTER TABLE "Contact" ADD COLUMN     "addresses" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "emails" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "phones" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "socialLinks" JSONB NOT NULL DEFAULT '[]';

-- CreateTable
CREATE TABLE "ContactRelationship" (
    "tenantId" UUID NOT NULL,
    "fromId" UUID NOT NULL,
    "toId" UUID NOT NULL,
    "kind" "ContactRelationshipKind" NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ContactRelationship_pkey" PRIMARY KEY ("fromId","toId","kind")
);

-- CreateIndex
CREATE INDEX "ContactRelationship_tenantId_toId_idx" ON "ContactRelationship"("tenantId", "toId");

-- CreateIndex
CREATE INDEX "Account_tenantId_parentId_idx" ON "Account"("tenantId", "parentId");

-- AddForeignKey
ALTER TABLE "Account" ADD CONSTRAINT "Account_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Account"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContactRelationship" ADD CONSTRAINT "ContactRelationship_fromId_fkey" FOREIGN KEY ("fromId") REFERENCES "Contact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContactRelationship" ADD CONSTRAINT "ContactRelationship_toId_fkey" FOREIGN KEY ("toId") REFERENCES "Contact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Existing contacts: their single e-mail and phone become the primary entries of the lists.
UPDATE "Contact" SET "emails" = jsonb_build_array(jsonb_build_object('address', "email", 'label', NULL, 'isPrimary', true)) WHERE "email" IS NOT NULL;
UPDATE "Contact" SET "phones" = jsonb_build_array(jsonb_build_object('number', "phone", 'label', NULL, 'isPrimary', true)) WHERE "phone" IS NOT NULL;

-- Revenue is an amount with its currency, or neither; a contact never relates to itself.
ALTER TABLE "Account" ADD CONSTRAINT "Account_revenue_pair" CHECK (("revenueMinor" IS NULL) = ("revenueCurrency" IS NULL));
ALTER TABLE "ContactRelationship" ADD CONSTRAINT "ContactRelationship_not_self" CHECK ("fromId" <> "toId");

-- Row-level security for the new tenant table (as in the row_level_security migration).
ALTER TABLE "ContactRelationship" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ContactRelationship" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "ContactRelationship"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
