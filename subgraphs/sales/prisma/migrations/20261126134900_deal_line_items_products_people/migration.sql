-- CreateTable
CREATE TABLE "Product" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "unitPriceMinor" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "taxRateBps" INTEGER,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "archivedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Product_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DealLineItem" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "dealId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "productId" UUID,
    "description" TEXT NOT NULL,
    "quantity" DECIMAL(15,3) NOT NULL,
    "unitPriceMinor" BIGINT NOT NULL,
    "discountRateBps" INTEGER,
    "discountMinor" BIGINT,
    "taxRateBps" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DealLineItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DealCollaborator" (
    "tenantId" UUID NOT NULL,
    "dealId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "addedById" UUID,
    "addedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DealCollaborator_pkey" PRIMARY KEY ("dealId","userId")
);

-- CreateTable
CREATE TABLE "DealContact" (
    "tenantId" UUID NOT NULL,
    "dealId" UUID NOT NULL,
    "contactId" UUID NOT NULL,
    "role" TEXT,
    "isPrimary" BOOLEAN NOT NULL DEFAULT false,
    "addedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DealContact_pkey" PRIMARY KEY ("dealId","contactId")
);

-- CreateIndex
CREATE INDEX "Product_tenantId_name_id_idx" ON "Product"("tenantId", "name", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Product_tenantId_sku_key" ON "Product"("tenantId", "sku");

-- CreateIndex
CREATE INDEX "DealLineItem_tenantId_dealId_idx" ON "DealLineItem"("tenantId", "dealId");

-- CreateIndex
CREATE INDEX "DealLineItem_tenantId_productId_idx" ON "DealLineItem"("tenantId", "productId");

-- CreateIndex
CREATE UNIQUE INDEX "DealLineItem_dealId_position_key" ON "DealLineItem"("dealId", "position");

-- CreateIndex
CREATE INDEX "DealCollaborator_tenantId_userId_idx" ON "DealCollaborator"("tenantId", "userId");

-- CreateIndex
CREATE INDEX "DealContact_tenantId_contactId_idx" ON "DealContact"("tenantId", "contactId");

-- AddForeignKey
ALTER TABLE "DealLineItem" ADD CONSTRAINT "DealLineItem_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DealLineItem" ADD CONSTRAINT "DealLineItem_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DealCollaborator" ADD CONSTRAINT "DealCollaborator_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DealContact" ADD CONSTRAINT "DealContact_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- At most one primary contact per deal.
CREATE UNIQUE INDEX "DealContact_one_primary_per_deal" ON "DealContact"("dealId") WHERE "isPrimary";

-- A line's quantity is positive and at most one kind of discount applies.
ALTER TABLE "DealLineItem" ADD CONSTRAINT "DealLineItem_quantity_positive" CHECK ("quantity" > 0);
ALTER TABLE "DealLineItem" ADD CONSTRAINT "DealLineItem_one_discount" CHECK ("discountRateBps" IS NULL OR "discountMinor" IS NULL);

-- Row-level security (as in migration `row_level_security`).
ALTER TABLE "Product" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Product" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Product"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "DealLineItem" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "DealLineItem" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "DealLineItem"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "DealCollaborator" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "DealCollaborator" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "DealCollaborator"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

ALTER TABLE "DealContact" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "DealContact" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "DealContact"
  USING ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
