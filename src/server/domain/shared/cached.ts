interface Slot<T> {
  value: Promise<T> | null;
  loadedAt: number;
}

// Named slots live on globalThis: Next bundles a module once per layer (pages, route
// handlers) besides server.ts's own copy, and a change saved through one of them (the
// GraphQL route) must show at once in the others (the page that refreshes after it).
const slots = ((globalThis as unknown as { __mlmCached?: Map<string, Slot<unknown>> }).__mlmCached ??= new Map());

/**
 * A value read at most once per `ttlMs` (company settings read on every order). Each
 * instance (process) keeps its own copy: a change made on another instance shows within
 * the TTL, one made here at once (clear()). With a `name`, every copy of the module in
 * this process shares the value and its clear().
 */
export function cached<T>(load: () => Promise<T>, ttlMs: number, name?: string): { get(): Promise<T>; clear(): void } {
  let slot = (name ? slots.get(name) : undefined) as Slot<T> | undefined;
  if (!slot) {
    slot = { value: null, loadedAt: 0 };
    if (name) slots.set(name, slot as Slot<unknown>);
  }
  const own = slot;
  return {
    get() {
      if (!own.value || Date.now() - own.loadedAt > ttlMs) {
        own.loadedAt = Date.now();
        const loading = load().catch((err) => {
          if (own.value === loading) own.value = null;
          throw err;
        });
        own.value = loading;
      }
      return own.value;
    },
    clear() {
      own.value = null;
    },
  };
}
