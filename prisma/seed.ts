import { defaultDriver } from "../src/server/db/driver";
import { migrate } from "../src/server/db/migrate";
import { seedDemoIfEmpty } from "./seed/demo";

// npm run db:seed — the demo company, into an empty database.
const db = defaultDriver();
await migrate(db);
if (!(await seedDemoIfEmpty(db))) console.log("The database already has members; nothing seeded.");
process.exit(0);
