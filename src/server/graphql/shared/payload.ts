import { type FieldError, isInputError } from "@/server/domain/shared/input.errors";

/**
 * Runs a mutation's work and shapes the Saleor-style payload: `{ [key]: result, errors: [] }`,
 * or `{ [key]: null, errors }` when the input was refused. Anything else propagates.
 */
export async function payload<K extends string, T>(key: K, work: () => Promise<T>): Promise<Record<K, T | null> & { errors: FieldError[] }> {
  try {
    return { [key]: await work(), errors: [] } as Record<K, T> & { errors: [] };
  } catch (err) {
    if (isInputError(err)) return { [key]: null, errors: err.errors } as Record<K, null> & { errors: FieldError[] };
    throw err;
  }
}
