/** A distributor's retail customer: buys through the distributor, has no login and no downline. */
export interface CustomerRecord {
  id: number;
  distributorId: number;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  country: string;
  createdAt: Date;
}

export interface CustomerInput {
  distributorId?: number | null;
  firstName: string;
  lastName: string;
  email?: string | null;
  phone?: string | null;
  country: string;
}
