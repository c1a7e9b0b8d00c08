-- AlterTable
ALTER TABLE "Activity" ADD COLUMN     "mentionedUserIds" UUID[] DEFAULT ARRAY[]::UUID[],
ADD COLUMN     "remindAt" TIMESTAMPTZ(3),
ADD COLUMN     "reminderSentAt" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "ActivityReminder" (
    "activityId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "remindAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ActivityReminder_pkey" PRIMARY KEY ("activityId")
);

-- CreateIndex
CREATE INDEX "ActivityReminder_remindAt_idx" ON "ActivityReminder"("remindAt");
