/**
 * The compute step of bench/commission-run: the engine against a one-pass floor on the same
 * arrays, taking turns, best of `rounds` each. Run in the bench's own thread and in a worker
 * thread that holds nothing but the input (see measureInWorker).
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { breadthFirst, computeRun, type EngineInput } from "../../src/server/domain/compensation/engine.rules";
import type { Plan } from "../../src/server/domain/compensation/plan.rules";

export interface ComputeTimes {
  engineMs: number;
  floorMs: number;
  lines: number;
  /** The thread's heap in use before the first turn (MiB). */
  heapMiB: number;
}

/**
 * One pass each: GV up the sponsor tree, leg volumes up the placement tree, and a three-level
 * compressed unilevel walk into a per-member total. No ranks, no lines.
 */
export function onePassFloor(input: EngineInput): Float64Array {
  const n = input.ids.length;
  const sOrder = breadthFirst(input.sponsor);
  const pOrder = breadthFirst(input.parent);
  const gv = new Float64Array(n);
  const sub = new Float64Array(n);
  const left = new Float64Array(n);
  const right = new Float64Array(n);
  const earned = new Float64Array(n);
  for (let k = n - 1; k >= 0; k--) {
    const i = sOrder[k]!;
    gv[i]! += input.pv[i]!;
    const s = input.sponsor[i]!;
    if (s >= 0) gv[s]! += gv[i]!;
    const j = pOrder[k]!;
    sub[j]! += input.bv[j]!;
    const p = input.parent[j]!;
    if (p >= 0) {
      sub[p]! += sub[j]!;
      if (input.position[j] === 0) left[p]! += sub[j]!;
      else right[p]! += sub[j]!;
    }
  }
  for (let s = 0; s < n; s++) {
    let level = 0;
    for (let a = input.sponsor[s]!; a >= 0 && level < 3; a = input.sponsor[a]!) {
      if (input.pv[a]! < 5000) continue;
      earned[a]! += input.bv[s]! * 0.05;
      level++;
    }
    earned[s]! += Math.min(left[s]!, right[s]!) * 0.1;
  }
  return earned;
}

/**
 * The engine and the floor taking turns, best of `rounds` each: the first calls of both run
 * before the JIT has compiled them and while the allocator still asks the system for fresh
 * pages (a synthetic network's first engine calls took 2-4 times its best, the floor's 2-3
 * times); and whatever the machine is doing at one moment falls on both.
 */
export function computeTurns(plan: Plan, input: EngineInput, rounds: number): ComputeTimes {
  const heapMiB = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
  let engineMs = Infinity;
  let floorMs = Infinity;
  let lines = 0;
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    lines = computeRun(plan, input).lines.count;
    engineMs = Math.min(engineMs, performance.now() - t);
    t = performance.now();
    onePassFloor(input);
    floorMs = Math.min(floorMs, performance.now() - t);
  }
  return { engineMs, floorMs, lines, heapMiB };
}

/**
 * computeTurns in a worker thread holding only the input (copied in): each 64 MB of new
 * arrays sets off a collection of the whole heap of the thread that makes them, so in the
 * bench's own thread, which still holds what the service's run left (caches, its modules),
 * both sides also pay for collecting that, the engine (which makes its lines) several times
 * more than the floor (which makes five arrays). The worker measures the computing.
 */
export function measureInWorker(plan: Plan, input: EngineInput, rounds: number): Promise<ComputeTimes> {
  // The worker loads this file as TypeScript through tsx (an eval'd bootstrap: a worker's
  // entry does not go through the --import loader in Node 20).
  const entry = new URL(import.meta.url).href;
  const boot = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(boot, { eval: true, workerData: { computeTurns: { plan, input, rounds } } });
    worker.once("message", (times: ComputeTimes) => {
      resolve(times);
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => (code === 0 ? undefined : reject(new Error(`compute worker exited with ${code}`))));
  });
}

if (!isMainThread && workerData?.computeTurns) {
  const { plan, input, rounds } = workerData.computeTurns as { plan: Plan; input: EngineInput; rounds: number };
  parentPort!.postMessage(computeTurns(plan, input, rounds));
}
