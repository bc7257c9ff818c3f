// A child process for the commission crash test (compensation/crash.int.test.ts), on the
// database named by DATABASE_URL or PGLITE_DIR:
//   setup  — a 10,000-member network with a closed month of volume and an active hybrid plan;
//            prints "run <id>" for a queued commit run of that month.
//   run ID — executes the run (taking it over at once from a killed process), printing each
//            progress stage ("stage writing lines") and "done <status>" at the end.
import { defaultDriver } from "@/server/db/driver";
import { migrate } from "@/server/db/migrate";
import { compensationService } from "@/server/domain/compensation/compensation.service";
import { EXAMPLE_PLAN } from "@/server/domain/compensation/plan.rules";
import { eventBus } from "@/server/events/bus";
import { Topic } from "@/server/events/topics";
import { superAdminViewer } from "@/server/domain/shared/viewer";

const db = defaultDriver();
await migrate(db);
const admin = superAdminViewer(1);
const [mode, arg] = process.argv.slice(2);

if (mode === "setup") {
  const n = 10_000;
  // Sponsor: an earlier member by a hash of the id; placement: a complete binary tree.
  await db.query(
    `INSERT INTO member (id, email, password_hash, first_name, last_name, country, phone, referral_code, role, sponsor_id, sponsor_path, sponsor_depth,
       placement_parent_id, placement_position, placement_path, placement_depth, joined_at, updated_at)
     SELECT i, 'm' || i || '@crash.test', 'x', 'Member', i::text, 'US', '+1555' || i, 'C' || i, CASE WHEN i = 1 THEN 'ADMIN' ELSE 'DISTRIBUTOR' END::"Role",
       CASE WHEN i <= 2 THEN NULL ELSE 2 + ((i::bigint * 2654435761) % 4294967296) % (i - 2) END, '{}', 0,
       CASE WHEN i <= 2 THEN NULL ELSE i / 2 + 1 END, CASE WHEN i <= 2 THEN NULL ELSE i % 2 END, '{}', 0, '2026-01-01', now()
     FROM generate_series(1, $1::int) i`,
    [n],
  );
  await db.query(`SELECT setval('member_id_seq', $1)`, [n]);
  const [period] = await db.query<{ id: number }>(
    `INSERT INTO period (kind, starts_at, ends_at, status, closed_at) VALUES ('MONTHLY', '2026-02-01', '2026-03-01', 'CLOSED', '2026-03-02') RETURNING id`,
  );
  await db.query(
    `INSERT INTO member_volume (period_id, member_id, pv, bv) SELECT $1, i, (i * 37) % 160, (i * 53) % 140 FROM generate_series(2, $2::int) i`,
    [period!.id, n],
  );
  const plan = {
    ...EXAMPLE_PLAN,
    bonuses: [...EXAMPLE_PLAN.bonuses, { type: "MATCHING", generations: [0.1, 0.05] }, { type: "RANK_ADVANCEMENT", amounts: { Bronze: 50, Silver: 250 } }],
  };
  const version = await compensationService.savePlanVersion(admin, plan, "crash test");
  await compensationService.activatePlanVersion(admin, version.id, period!.id);
  const run = await compensationService.startRun(admin, period!.id, "COMMIT");
  console.log(`run ${run.id} ${period!.id}`);
} else if (mode === "run") {
  // Every progress step, so the test can kill at a chosen stage.
  void (async () => {
    for await (const e of eventBus().subscribe(Topic.CommissionRunProgress)) console.log(`stage ${(e as { stage: string }).stage}`);
  })();
  console.log("go");
  const run = await compensationService.executeRun(Number(arg));
  console.log(`done ${run?.status}`);
}
process.exit(0);
