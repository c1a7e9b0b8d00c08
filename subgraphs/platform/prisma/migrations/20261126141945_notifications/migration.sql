-- CreateEnum
CREATE TYPE "NotificationKind" AS ENUM ('ASSIGNED', 'MENTIONED', 'DEAL_WON', 'TASK_DUE');

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "emailNotifications" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "Notification" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "recipientId" UUID NOT NULL,
    "kind" "NotificationKind" NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "recordType" TEXT NOT NULL,
    "recordId" TEXT NOT NULL,
    "eventId" UUID NOT NULL,
    "readAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NotifiedDealOwner" (
    "dealId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "ownerId" UUID,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "NotifiedDealOwner_pkey" PRIMARY KEY ("dealId")
);

-- CreateIndex
CREATE INDEX "Notification_tenantId_recipientId_createdAt_id_idx" ON "Notification"("tenantId", "recipientId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Notification_tenantId_recipientId_readAt_idx" ON "Notification"("tenantId", "recipientId", "readAt");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_eventId_recipientId_key" ON "Notification"("eventId", "recipientId");

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_recipientId_fkey" FOREIGN KEY ("recipientId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Tenant-owned like every table with "tenantId".
ALTER TABLE "Notification" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Notification" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Notification"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "NotifiedDealOwner" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "NotifiedDealOwner" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "NotifiedDealOwner"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
