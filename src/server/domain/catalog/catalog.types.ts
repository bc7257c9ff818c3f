/** A product as the domain hands it out: decimals as strings, no ORM types. */
export interface ProductRecord {
  id: number;
  sku: string;
  name: string;
  description: string;
  imageUrl: string | null;
  category: string;
  labels: string[];
  pv: string;
  bv: string;
  active: boolean;
  prices: { currency: string; amount: string }[];
  createdAt: Date;
  updatedAt: Date;
}

export interface StockRecord {
  productId: number;
  warehouseId: number;
  warehouseCode: string;
  warehouseName: string;
  onHand: number;
  reserved: number;
}

export interface StockAdjustmentRecord {
  id: string;
  productId: number;
  warehouseCode: string;
  delta: number;
  onHandAfter: number;
  reason: string;
  actor: { id: number; firstName: string; lastName: string } | null;
  createdAt: Date;
}

export interface WarehouseRecord {
  id: number;
  code: string;
  name: string;
  countries: string[];
  isDefault: boolean;
}

export interface ProductFilter {
  search?: string | null;
  category?: string | null;
  active?: boolean | null;
}

/** A product as pricing an order needs it: money and volume in hundredths. */
export interface CatalogEntry {
  id: number;
  sku: string;
  name: string;
  active: boolean;
  pv: number;
  bv: number;
  /** currency → price in hundredths */
  prices: Record<string, number>;
}

/** Units of one product (stock moves in product-id order). */
export interface StockLine {
  productId: number;
  quantity: number;
}
