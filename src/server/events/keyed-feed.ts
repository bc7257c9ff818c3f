import { eventBus } from "./bus";
import type { Topic, TopicPayloads } from "./topics";

/**
 * A stream that a consumer may also take synchronously: once `listen(deliver)` is called,
 * every value goes straight to `deliver` as it arrives (and any values still queued, first)
 * instead of waiting for `next()`. The GraphQL WebSocket server uses it to write each
 * event to its subscriber at once, without an async hop per event and subscriber.
 */
export interface ListenableStream<V> extends AsyncIterableIterator<V> {
  listen(deliver: (value: V) => void): void;
}

export function isListenable(stream: unknown): stream is ListenableStream<unknown> {
  return typeof (stream as { listen?: unknown } | null)?.listen === "function";
}

/**
 * One bus subscription per process for a topic whose events carry values keyed by member
 * (a volume batch: the new totals of every member it touched), handed to the subscribers
 * of each key. An event costs the keys it holds, not the number of subscribers: with
 * 10,000 screens open, a batch that touched 200 members wakes at most their subscribers,
 * each given the very value the event holds for its key (built once per event and member).
 */
export function keyedFeed<K extends Topic, V>(topic: K, entries: (event: TopicPayloads[K]) => Record<string, V>) {
  const listeners = new Map<string, Set<(value: V) => void>>();
  let started = false;

  function start(): void {
    if (started) return;
    started = true;
    void (async () => {
      for await (const event of eventBus().subscribe(topic)) {
        const values = entries(event as TopicPayloads[K]);
        for (const key in values) {
          const set = listeners.get(key);
          if (set) for (const deliver of set) deliver(values[key]!);
        }
      }
    })().catch((err) => console.error(`[events] ${topic} feed stopped:`, err));
  }

  /**
   * The values of `key` from now on (listening starts at once), until the consumer stops
   * (return()). Values wait in order for next() unless the consumer listens.
   */
  return function subscribe(key: string): ListenableStream<V> {
    start();
    const queue: V[] = [];
    let waiting: ((r: IteratorResult<V, undefined>) => void) | null = null;
    let direct: ((value: V) => void) | null = null;
    let done = false;
    const receive = (value: V) => {
      if (direct) direct(value);
      else if (waiting) {
        const w = waiting;
        waiting = null;
        w({ value, done: false });
      } else queue.push(value);
    };
    let set = listeners.get(key);
    if (!set) listeners.set(key, (set = new Set()));
    set.add(receive);
    const end = () => {
      if (done) return;
      done = true;
      queue.length = 0;
      direct = null;
      const s = listeners.get(key);
      s?.delete(receive);
      if (s?.size === 0) listeners.delete(key);
      waiting?.({ value: undefined, done: true });
      waiting = null;
    };
    return {
      next: () =>
        queue.length > 0
          ? Promise.resolve({ value: queue.shift()!, done: false })
          : done
            ? Promise.resolve({ value: undefined, done: true })
            : new Promise((resolve) => (waiting = resolve)),
      return: () => {
        end();
        return Promise.resolve({ value: undefined, done: true });
      },
      throw: (err: unknown) => {
        end();
        return Promise.reject(err);
      },
      listen(deliver) {
        if (done) return;
        direct = deliver;
        for (const value of queue.splice(0)) deliver(value);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  };
}
