// A child process for the volume applier crash test (volume/applier-crash.int.test.ts), on
// the database named by DATABASE_URL or PGLITE_DIR:
//   setup — 3,000 members (a 300-level sponsor chain, the rest recruited below it; a binary
//           placement tree) and 4,000 paid-order entries appended to the volume ledger,
//           none applied yet; prints "ready <entries> <pv total>".
//   apply — prints "applying", then applies every listed entry (in one batch when
//           VOLUME_APPLY_BATCH is large) and prints "done <entries>".
import { defaultDriver } from "@/server/db/driver";
import { migrate } from "@/server/db/migrate";
import { volumeService } from "@/server/domain/volume/volume.service";

const db = defaultDriver();
await migrate(db);
const [mode] = process.argv.slice(2);

if (mode === "setup") {
  const members = 3_000;
  const chain = 300;
  const sponsorPaths: number[][] = [[]];
  for (let id = 1; id <= members; id++) {
    const sponsor = id === 1 ? 0 : id <= chain ? id - 1 : chain + ((id * 2654435761) % 4294967296) % (id - chain);
    sponsorPaths[id] = [...(sponsor ? sponsorPaths[sponsor]! : []), id];
  }
  const literal = (path: number[]) => `{${path.join(",")}}`;
  await db.query(
    `INSERT INTO member (id, email, password_hash, first_name, last_name, country, phone, referral_code, role, sponsor_id, sponsor_path, sponsor_depth,
       placement_parent_id, placement_position, placement_path, placement_depth, joined_at, updated_at)
     SELECT i, 'v' || i || '@applier.test', 'x', 'Member', i::text, 'US', '+1555' || i, 'V' || i, 'DISTRIBUTOR'::"Role",
       CASE WHEN i = 1 THEN NULL ELSE (p.path::int[])[array_length(p.path::int[], 1) - 1] END, p.path::int[], array_length(p.path::int[], 1) - 1,
       CASE WHEN i = 1 THEN NULL ELSE i >> 1 END, CASE WHEN i = 1 THEN NULL ELSE i % 2 END,
       ARRAY(SELECT i >> k FROM generate_series(floor(log(2, i))::int, 0, -1) k), floor(log(2, i))::int, '2026-01-01', now()
     FROM unnest($1::text[]) WITH ORDINALITY AS p(path, i)`,
    [sponsorPaths.slice(1).map(literal)],
  );
  await db.query(`SELECT setval('member_id_seq', $1)`, [members]);
  await db.query(`INSERT INTO setting (key, value, updated_at) VALUES ('genealogy.placement', '{"type":"BINARY","spillover":"WEAKER_LEG"}'::jsonb, now())`);
  const period = await volumeService.currentPeriod();
  const entries = 4_000;
  await db.query(
    `INSERT INTO volume_entry (period_id, member_id, pv, bv, reason, idempotency_key)
     SELECT $1::int, $2::int + (n * 7919) % ($3::int - $2::int), 10 + n % 7, 8, 'ORDER_PAID', 'crash:' || n FROM generate_series(1, $4::int) n`,
    [period.id, chain, members, entries],
  );
  await db.query(`INSERT INTO volume_pending (entry_id) SELECT id FROM volume_entry`);
  const [{ pv }] = await db.query<{ pv: string }>(`SELECT sum(pv)::text AS pv FROM volume_entry`);
  console.log(`ready ${entries} ${pv}`);
} else if (mode === "apply") {
  console.log("applying");
  const n = await volumeService.applyPending();
  console.log(`done ${n}`);
}
process.exit(0);
