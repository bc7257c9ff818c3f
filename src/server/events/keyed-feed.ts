import { Repeater } from "@graphql-yoga/subscription";
import { eventBus } from "./bus";
import type { Topic, TopicPayloads } from "./topics";

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
          if (set) for (const push of set) push(values[key]!);
        }
      }
    })().catch((err) => console.error(`[events] ${topic} feed stopped:`, err));
  }

  /** The values of `key`, from now on, until the consumer stops. */
  return function subscribe(key: string): AsyncIterableIterator<V> {
    start();
    return new Repeater<V>(async (push, stop) => {
      let set = listeners.get(key);
      if (!set) listeners.set(key, (set = new Set()));
      const listener = (value: V) => void push(value);
      set.add(listener);
      await stop;
      set.delete(listener);
      if (set.size === 0) listeners.delete(key);
    });
  };
}
