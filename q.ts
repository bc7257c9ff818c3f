import { defaultDriver } from "./src/server/db/driver";
const db = defaultDriver();
console.log(await db.query(`SELECT status, count(*)::int FROM sales_order GROUP BY 1 ORDER BY 1`));
console.log(await db.query(`SELECT p.starts_at, p.status, v.pv::text, v.gv::text, v.left_leg::text, v.right_leg::text FROM member_volume v JOIN period p ON p.id = v.period_id WHERE member_id = 3 ORDER BY p.starts_at DESC LIMIT 4`));
console.log(await db.query(`SELECT count(*)::int AS entries FROM volume_entry`));
console.log(await db.query(`SELECT * FROM stock WHERE reserved > 0 LIMIT 3`));
