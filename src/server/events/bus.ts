import { createPubSub } from "@graphql-yoga/subscription";
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { Redis } from "ioredis";
import { Topic, type TopicPayloads } from "./topics";

type Channels = { [K in Topic]: [TopicPayloads[K]] };

/** In-process without a Redis URL; through Redis pub/sub (all instances) with one. */
export function createEventBus(url = process.env.REDIS_URL) {
  if (!url) return createPubSub<Channels>();
  // Across instances: every instance publishes to and hears from Redis.
  const eventTarget = createRedisEventTarget({
    publishClient: new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 }),
    subscribeClient: new Redis(url, { lazyConnect: false }),
  });
  return createPubSub<Channels>({ eventTarget });
}

export type EventBus = ReturnType<typeof createEventBus>;

const store = globalThis as unknown as { __mlmBus?: EventBus };

/**
 * The process-wide event bus (a plain EventTarget pub/sub, safe to share between
 * Next's module graphs). Publish only after the transaction that caused the event commits.
 */
export function eventBus(): EventBus {
  store.__mlmBus ??= createEventBus();
  return store.__mlmBus;
}

export function publish<K extends Topic>(topic: K, payload: TopicPayloads[K]): void {
  eventBus().publish(topic, payload as never);
}
