import { defaultDriver } from "../src/server/db/driver";
import { migrate } from "../src/server/db/migrate";

// npm run db:migrate — applies pending migrations to DATABASE_URL, or to .data/ (PGlite).
const applied = await migrate(defaultDriver());
console.log(applied.length ? `applied: ${applied.join(", ")}` : "the database is up to date");
process.exit(0);
