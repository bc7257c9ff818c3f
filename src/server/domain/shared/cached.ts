/**
 * A value read at most once per `ttlMs` (company settings read on every order). Each
 * instance keeps its own copy: a change made on another instance shows within the TTL,
 * one made here at once (clear()).
 */
export function cached<T>(load: () => Promise<T>, ttlMs: number): { get(): Promise<T>; clear(): void } {
  let value: Promise<T> | null = null;
  let loadedAt = 0;
  return {
    get() {
      if (!value || Date.now() - loadedAt > ttlMs) {
        loadedAt = Date.now();
        value = load().catch((err) => {
          value = null;
          throw err;
        });
      }
      return value;
    },
    clear() {
      value = null;
    },
  };
}
