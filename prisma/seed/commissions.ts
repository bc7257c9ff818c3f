import type { SqlDriver } from "../../src/server/db/driver";
import { compensationService } from "../../src/server/domain/compensation/compensation.service";
import { EXAMPLE_PLAN } from "../../src/server/domain/compensation/plan.rules";
import type { Viewer } from "../../src/server/domain/shared/viewer";
import { superAdminViewer } from "@/server/domain/shared/viewer";

/** The demo company's plan: a hybrid of every common bonus, paid in USD on BV. */
export const DEMO_PLAN = {
  ...EXAMPLE_PLAN,
  payoutCap: { shareOfVolume: 0.45 },
  ranks: [...EXAMPLE_PLAN.ranks, { name: "Gold", minPv: 100, minGv: 20000, maxLegShare: 0.5, legsWithRank: { rank: "Silver", count: 2 } }],
  bonuses: [
    { type: "RETAIL", rate: 0.1 },
    { type: "FAST_START", days: 30, levels: [0.1, 0.05] },
    { type: "UNILEVEL", levels: [0.05, 0.05, 0.04, 0.03, 0.02], compression: true, levelRanks: [null, null, "Bronze", "Silver", "Silver"] },
    { type: "BINARY", rate: 0.08, capPerPeriod: 2000, maxCarry: 20000 },
    { type: "MATCHING", generations: [0.1, 0.05], of: "BINARY" },
    { type: "RANK_ADVANCEMENT", amounts: { Bronze: 50, Silver: 250, Gold: 1000 } },
    { type: "POOL", share: 0.01, shares: { Silver: 1, Gold: 3 } },
    { type: "BOARD", depth: 3, stages: [{ amount: 25 }, { amount: 100 }] },
  ],
};

const ADMIN: Viewer = superAdminViewer(1);

/** Saves the plan (version 1, active from the first period) and a draft proposal (version 2). */
export async function seedPlan(db: SqlDriver): Promise<void> {
  const [first] = await db.query<{ id: number }>(`SELECT id FROM period ORDER BY starts_at LIMIT 1`);
  const v1 = await compensationService.savePlanVersion(ADMIN, DEMO_PLAN, "Launch plan: retail, fast start, unilevel, binary, matching, rank bonuses, a leadership pool and 7-seat boards");
  await compensationService.activatePlanVersion(ADMIN, v1.id, first!.id);
  await compensationService.savePlanVersion(
    ADMIN,
    { ...DEMO_PLAN, bonuses: DEMO_PLAN.bonuses.map((b) => (b.type === "BINARY" ? { ...b, rate: 0.1 } : b.type === "UNILEVEL" ? { ...b, levels: [0.06, 0.05, 0.04, 0.03, 0.02] } : b)) },
    "Proposal: binary 10 % and unilevel level 1 at 6 % (draft, not active)",
  );
  await db.query(`UPDATE comp_plan_version SET created_at = (SELECT starts_at FROM period ORDER BY starts_at LIMIT 1) - interval '10 days' WHERE number = 1`);
}

/** Commits a closed period's run as at `at` (its credits dated then). Returns the run id. */
export async function commitPeriod(db: SqlDriver, periodId: number, at: Date): Promise<number> {
  const run = await compensationService.startRun(ADMIN, periodId, "COMMIT");
  await compensationService.executeRun(run.id, { postedAt: at });
  await db.query(`UPDATE commission_run SET created_at = $2::timestamptz, started_at = $2::timestamptz, finished_at = $2::timestamptz + interval '40 seconds' WHERE id = $1`, [run.id, at]);
  return run.id;
}

/** A preview of the open period and a simulation of the draft over the last paid month. */
export async function seedPreviews(db: SqlDriver): Promise<void> {
  const [open] = await db.query<{ id: number }>(`SELECT id FROM period WHERE status = 'OPEN' ORDER BY starts_at LIMIT 1`);
  const [last] = await db.query<{ id: number }>(
    `SELECT p.id FROM period p WHERE EXISTS (SELECT 1 FROM commission_run r WHERE r.period_id = p.id AND r.mode = 'COMMIT') ORDER BY p.starts_at DESC LIMIT 1`,
  );
  const [draft] = await db.query<{ id: number }>(`SELECT id FROM comp_plan_version WHERE number = 2`);
  if (open) await compensationService.executeRun((await compensationService.startRun(ADMIN, open.id, "PREVIEW")).id);
  if (last && draft) await compensationService.executeRun((await compensationService.startRun(ADMIN, last.id, "PREVIEW", draft.id)).id);
}
