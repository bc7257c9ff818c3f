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
  const slot: Slot<T> = name ? ((slots.get(name) as Slot<T> | undefined) ?? (slots.set(name, { value: null, loadedAt: 0 }).get(name) as Slot<T>)) : { value: null, loadedAt: 0 };
  return {
    get() {
      if (!slot.value || Date.now() - slot.loadedAt > ttlMs) {
        slot.loadedAt = Date.now();
        const loading = load().catch((err) => {
          if (slot.value === loading) slot.value = null;
          throw err;
        });
        slot.value = loading;
      }
      return slot.value;
    },
    clear() {
      slot.value = null;
    },
  };
}
