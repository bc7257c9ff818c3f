import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";

/**
 * Rate limits (rate-limiter-flexible): in Redis when REDIS_URL is set, so every instance
 * counts together; in process memory otherwise. Kept on globalThis: Next's module graph
 * and server.ts share one set of counters.
 */
export const LIMITS = {
  /** Sign-in attempts per address. */
  loginPerIp: { points: 100, duration: 10 * 60 },
  /** Failed sign-ins per e-mail before it is locked for `blockDuration` seconds. */
  loginFailuresPerEmail: { points: 5, duration: 15 * 60, blockDuration: 15 * 60 },
  /** Sign-ups per address. */
  signupPerIp: { points: 10, duration: 60 * 60 },
  /** Password-reset requests per address. */
  resetPerIp: { points: 10, duration: 60 * 60 },
  /** Password-reset mails per e-mail (nobody floods someone's inbox). */
  resetPerEmail: { points: 3, duration: 60 * 60 },
  /** Requests per API key. */
  apiKey: { points: Number(process.env.API_KEY_RATE_LIMIT ?? 600), duration: 60 },
} as const;

type Name = keyof typeof LIMITS;

interface Store {
  limiters: Map<Name, RateLimiterAbstract>;
  redis?: Redis;
}

const store: Store = ((globalThis as { __mlmRateLimits?: Store }).__mlmRateLimits ??= { limiters: new Map() });

function limiter(name: Name): RateLimiterAbstract {
  let found = store.limiters.get(name);
  if (!found) {
    const opts = { keyPrefix: `rl:${name}`, ...LIMITS[name] };
    const url = process.env.REDIS_URL;
    if (url) {
      store.redis ??= new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      // Redis down: fall back to counting in memory rather than refusing everyone.
      found = new RateLimiterRedis({ ...opts, storeClient: store.redis, insuranceLimiter: new RateLimiterMemory(opts) });
    } else {
      found = new RateLimiterMemory(opts);
    }
    store.limiters.set(name, found);
  }
  return found;
}

/** Refused: how long until the caller may try again. */
export class RateLimited extends Error {
  constructor(readonly retryAfterSeconds: number, message: string) {
    super(message);
    this.name = "RateLimited";
  }
}

/** "1 minute", "15 minutes": how long a wait of `seconds` is, rounded up. */
export function waitOf(seconds: number): string {
  const m = Math.max(1, Math.ceil(seconds / 60));
  return `${m} minute${m === 1 ? "" : "s"}`;
}

/** Counts one attempt; throws RateLimited (its message from `message(wait)`) when the limit is used up. */
export async function consume(name: Name, key: string, message: (wait: string) => string): Promise<void> {
  try {
    await limiter(name).consume(key);
  } catch (err) {
    if (err instanceof RateLimiterRes) {
      const seconds = Math.ceil(err.msBeforeNext / 1000);
      throw new RateLimited(seconds, message(waitOf(seconds)));
    }
    throw err;
  }
}

/** Whether `key` is blocked right now (without counting an attempt). */
export async function blockedFor(name: Name, key: string): Promise<number> {
  const res = await limiter(name).get(key);
  return res && res.consumedPoints >= LIMITS[name].points ? Math.ceil(res.msBeforeNext / 1000) : 0;
}

/** Forgets the attempts of `key` (a successful sign-in clears its failures). */
export async function reset(name: Name, key: string): Promise<void> {
  await limiter(name).delete(key);
}

