-- CreateEnum
CREATE TYPE "OrderStatus" AS ENUM ('PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'REFUNDED');

-- CreateEnum
CREATE TYPE "PaymentKind" AS ENUM ('CHARGE', 'REFUND');

-- CreateEnum
CREATE TYPE "PeriodKind" AS ENUM ('MONTHLY', 'WEEKLY');

-- CreateEnum
CREATE TYPE "PeriodStatus" AS ENUM ('OPEN', 'CLOSED');

-- CreateTable
CREATE TABLE "product" (
    "id" SERIAL NOT NULL,
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "image_url" TEXT,
    "category" TEXT NOT NULL,
    "pv" DECIMAL(12,2) NOT NULL DEFAULT 0,
    "bv" DECIMAL(12,2) NOT NULL DEFAULT 0,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "product_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "product_price" (
    "product_id" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "amount" DECIMAL(14,2) NOT NULL,

    CONSTRAINT "product_price_pkey" PRIMARY KEY ("product_id","currency")
);

-- CreateTable
CREATE TABLE "warehouse" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "countries" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "is_default" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "warehouse_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stock" (
    "product_id" INTEGER NOT NULL,
    "warehouse_id" INTEGER NOT NULL,
    "on_hand" INTEGER NOT NULL DEFAULT 0,
    "reserved" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "stock_pkey" PRIMARY KEY ("product_id","warehouse_id")
);

-- CreateTable
CREATE TABLE "stock_adjustment" (
    "id" BIGSERIAL NOT NULL,
    "product_id" INTEGER NOT NULL,
    "warehouse_id" INTEGER NOT NULL,
    "delta" INTEGER NOT NULL,
    "on_hand_after" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "actor_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stock_adjustment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "customer" (
    "id" SERIAL NOT NULL,
    "distributor_id" INTEGER NOT NULL,
    "first_name" TEXT NOT NULL,
    "last_name" TEXT NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "country" CHAR(2) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sales_order" (
    "id" SERIAL NOT NULL,
    "member_id" INTEGER NOT NULL,
    "customer_id" INTEGER,
    "placed_by_id" INTEGER NOT NULL,
    "status" "OrderStatus" NOT NULL DEFAULT 'PENDING',
    "currency" CHAR(3) NOT NULL,
    "subtotal" DECIMAL(14,2) NOT NULL,
    "tax" DECIMAL(14,2) NOT NULL,
    "total" DECIMAL(14,2) NOT NULL,
    "refunded_total" DECIMAL(14,2) NOT NULL DEFAULT 0,
    "pv" DECIMAL(14,2) NOT NULL,
    "bv" DECIMAL(14,2) NOT NULL,
    "shipping_address" JSONB NOT NULL,
    "ship_country" CHAR(2) NOT NULL,
    "warehouse_id" INTEGER NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "period_id" INTEGER,
    "placed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "paid_at" TIMESTAMPTZ(3),
    "shipped_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "cancelled_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sales_order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_line" (
    "id" SERIAL NOT NULL,
    "order_id" INTEGER NOT NULL,
    "product_id" INTEGER NOT NULL,
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "refunded_quantity" INTEGER NOT NULL DEFAULT 0,
    "unit_price" DECIMAL(14,2) NOT NULL,
    "unit_pv" DECIMAL(12,2) NOT NULL,
    "unit_bv" DECIMAL(12,2) NOT NULL,

    CONSTRAINT "order_line_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment" (
    "id" SERIAL NOT NULL,
    "order_id" INTEGER NOT NULL,
    "kind" "PaymentKind" NOT NULL,
    "provider" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "amount" DECIMAL(14,2) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "period" (
    "id" SERIAL NOT NULL,
    "kind" "PeriodKind" NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "status" "PeriodStatus" NOT NULL DEFAULT 'OPEN',
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "period_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "volume_entry" (
    "id" BIGSERIAL NOT NULL,
    "period_id" INTEGER NOT NULL,
    "member_id" INTEGER NOT NULL,
    "order_id" INTEGER,
    "pv" DECIMAL(14,2) NOT NULL,
    "bv" DECIMAL(14,2) NOT NULL,
    "reason" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "volume_entry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "member_volume" (
    "period_id" INTEGER NOT NULL,
    "member_id" INTEGER NOT NULL,
    "pv" DECIMAL(16,2) NOT NULL DEFAULT 0,
    "bv" DECIMAL(16,2) NOT NULL DEFAULT 0,
    "gv" DECIMAL(16,2) NOT NULL DEFAULT 0,
    "left_leg" DECIMAL(16,2) NOT NULL DEFAULT 0,
    "right_leg" DECIMAL(16,2) NOT NULL DEFAULT 0,
    "revision" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "member_volume_pkey" PRIMARY KEY ("period_id","member_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "product_sku_key" ON "product"("sku");

-- CreateIndex
CREATE INDEX "product_category_name_idx" ON "product"("category", "name");

-- CreateIndex
CREATE UNIQUE INDEX "warehouse_code_key" ON "warehouse"("code");

-- CreateIndex
CREATE INDEX "stock_adjustment_product_id_created_at_idx" ON "stock_adjustment"("product_id", "created_at");

-- CreateIndex
CREATE INDEX "customer_distributor_id_idx" ON "customer"("distributor_id");

-- CreateIndex
CREATE INDEX "sales_order_member_id_placed_at_idx" ON "sales_order"("member_id", "placed_at");

-- CreateIndex
CREATE INDEX "sales_order_customer_id_idx" ON "sales_order"("customer_id");

-- CreateIndex
CREATE INDEX "sales_order_status_placed_at_idx" ON "sales_order"("status", "placed_at");

-- CreateIndex
CREATE INDEX "sales_order_placed_at_idx" ON "sales_order"("placed_at");

-- CreateIndex
CREATE INDEX "sales_order_paid_at_idx" ON "sales_order"("paid_at");

-- CreateIndex
CREATE UNIQUE INDEX "sales_order_placed_by_id_idempotency_key_key" ON "sales_order"("placed_by_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "order_line_order_id_idx" ON "order_line"("order_id");

-- CreateIndex
CREATE INDEX "order_line_product_id_idx" ON "order_line"("product_id");

-- CreateIndex
CREATE INDEX "payment_order_id_idx" ON "payment"("order_id");

-- CreateIndex
CREATE UNIQUE INDEX "payment_provider_reference_key" ON "payment"("provider", "reference");

-- CreateIndex
CREATE INDEX "period_starts_at_idx" ON "period"("starts_at");

-- CreateIndex
CREATE UNIQUE INDEX "period_kind_starts_at_key" ON "period"("kind", "starts_at");

-- CreateIndex
CREATE UNIQUE INDEX "volume_entry_idempotency_key_key" ON "volume_entry"("idempotency_key");

-- CreateIndex
CREATE INDEX "volume_entry_period_id_member_id_idx" ON "volume_entry"("period_id", "member_id");

-- CreateIndex
CREATE INDEX "volume_entry_created_at_idx" ON "volume_entry"("created_at");

-- CreateIndex
CREATE INDEX "volume_entry_order_id_idx" ON "volume_entry"("order_id");

-- CreateIndex
CREATE INDEX "member_volume_member_id_idx" ON "member_volume"("member_id");

-- AddForeignKey
ALTER TABLE "product_price" ADD CONSTRAINT "product_price_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stock" ADD CONSTRAINT "stock_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stock" ADD CONSTRAINT "stock_warehouse_id_fkey" FOREIGN KEY ("warehouse_id") REFERENCES "warehouse"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stock_adjustment" ADD CONSTRAINT "stock_adjustment_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stock_adjustment" ADD CONSTRAINT "stock_adjustment_warehouse_id_fkey" FOREIGN KEY ("warehouse_id") REFERENCES "warehouse"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stock_adjustment" ADD CONSTRAINT "stock_adjustment_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customer" ADD CONSTRAINT "customer_distributor_id_fkey" FOREIGN KEY ("distributor_id") REFERENCES "member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sales_order" ADD CONSTRAINT "sales_order_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sales_order" ADD CONSTRAINT "sales_order_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sales_order" ADD CONSTRAINT "sales_order_placed_by_id_fkey" FOREIGN KEY ("placed_by_id") REFERENCES "member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sales_order" ADD CONSTRAINT "sales_order_warehouse_id_fkey" FOREIGN KEY ("warehouse_id") REFERENCES "warehouse"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sales_order" ADD CONSTRAINT "sales_order_period_id_fkey" FOREIGN KEY ("period_id") REFERENCES "period"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_line" ADD CONSTRAINT "order_line_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "sales_order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_line" ADD CONSTRAINT "order_line_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "product"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment" ADD CONSTRAINT "payment_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "sales_order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "volume_entry" ADD CONSTRAINT "volume_entry_period_id_fkey" FOREIGN KEY ("period_id") REFERENCES "period"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "volume_entry" ADD CONSTRAINT "volume_entry_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "volume_entry" ADD CONSTRAINT "volume_entry_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "sales_order"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "member_volume" ADD CONSTRAINT "member_volume_period_id_fkey" FOREIGN KEY ("period_id") REFERENCES "period"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "member_volume" ADD CONSTRAINT "member_volume_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Hand-written: invariants the schema language cannot express.
-- Stock can never be oversold: a reservation is a conditional update these checks back up.
ALTER TABLE "stock" ADD CONSTRAINT "stock_on_hand_check" CHECK ("on_hand" >= 0);
ALTER TABLE "stock" ADD CONSTRAINT "stock_reserved_check" CHECK ("reserved" >= 0 AND "reserved" <= "on_hand");
ALTER TABLE "product" ADD CONSTRAINT "product_volume_check" CHECK ("pv" >= 0 AND "bv" >= 0);
ALTER TABLE "product_price" ADD CONSTRAINT "product_price_amount_check" CHECK ("amount" >= 0);
ALTER TABLE "order_line" ADD CONSTRAINT "order_line_quantity_check" CHECK ("quantity" > 0 AND "refunded_quantity" >= 0 AND "refunded_quantity" <= "quantity");
ALTER TABLE "sales_order" ADD CONSTRAINT "sales_order_refund_check" CHECK ("refunded_total" >= 0 AND "refunded_total" <= "total");
ALTER TABLE "period" ADD CONSTRAINT "period_bounds_check" CHECK ("ends_at" > "starts_at");
-- The ledger is append-only: no statement may change or remove an entry.
CREATE FUNCTION "volume_entry_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'volume_entry is append-only';
END $$;
CREATE TRIGGER "volume_entry_no_update" BEFORE UPDATE OR DELETE ON "volume_entry"
  FOR EACH ROW EXECUTE FUNCTION "volume_entry_append_only"();
-- One default warehouse at most.
CREATE UNIQUE INDEX "warehouse_one_default" ON "warehouse"("is_default") WHERE "is_default";
-- Product search by name or SKU.
CREATE INDEX "product_name_lower_idx" ON "product"(lower("name"));
