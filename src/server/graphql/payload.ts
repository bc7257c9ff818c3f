import { InputError } from "@/server/domain/shared/input.errors";

/**
 * Runs a mutation's work and shapes the Saleor-style payload: `{ [key]: result, errors: [] }`,
 * or `{ [key]: null, errors }` when the input was refused. Anything else propagates.
 */
export async function payload<K extends string, T>(key: K, work: () => Promise<T>): Promise<Record<K, T | null> & { errors: InputError["errors"] }> {
  try {
    return { [key]: await work(), errors: [] } as Record<K, T> & { errors: [] };
  } catch (err) {
    // By name, not instanceof: Next may load the domain modules in more than one graph.
    if (err instanceof InputError || (err as Error)?.name === "InputError") {
      return { [key]: null, errors: (err as InputError).errors } as Record<K, null> & { errors: InputError["errors"] };
    }
    throw err;
  }
}
