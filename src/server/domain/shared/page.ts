import { isInputError } from "./input.errors";

/** One page of a list, newest or oldest first as the list says; cursors are made at the API edge. */
export interface Page<T> {
  rows: T[];
  hasNextPage: boolean;
  totalCount: number;
}

export const MAX_PAGE_SIZE = 200;

/** A requested page size within 1..max. */
export function pageSize(first: number | null | undefined, fallback = 50, max = MAX_PAGE_SIZE): number {
  return Math.min(Math.max(first ?? fallback, 1), max);
}

/** Splits `limit + 1` fetched rows into a page (the extra row only says there is more). */
export function toPage<T>(rows: T[], limit: number, totalCount: number): Page<T> {
  return { rows: rows.slice(0, limit), hasNextPage: rows.length > limit, totalCount };
}

/**
 * The page after `cursor`, or the first page when the list refuses the cursor as bad input
 * (one edited by hand in a page's address): a page a person opened never fails on that.
 */
export async function pageFrom<P>(read: (cursor: string | null) => Promise<P>, cursor: string | null): Promise<P> {
  try {
    return await read(cursor);
  } catch (err) {
    if (cursor !== null && isInputError(err)) return read(null);
    throw err;
  }
}
