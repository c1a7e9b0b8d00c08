-- GDPR erasures of users as well as contacts: the subject is one or the other.
ALTER TABLE "PersonalDataErasure" ADD COLUMN     "subjectType" TEXT NOT NULL DEFAULT 'CONTACT',
ADD COLUMN     "userId" UUID,
ALTER COLUMN "contactId" DROP NOT NULL;

ALTER TABLE "PersonalDataErasure" ADD CONSTRAINT "PersonalDataErasure_subject_check" CHECK (
  ("subjectType" = 'CONTACT' AND "contactId" IS NOT NULL AND "userId" IS NULL)
  OR ("subjectType" = 'USER' AND "userId" IS NOT NULL AND "contactId" IS NULL)
);

-- CreateIndex
CREATE UNIQUE INDEX "PersonalDataErasure_tenantId_userId_key" ON "PersonalDataErasure"("tenantId", "userId");
