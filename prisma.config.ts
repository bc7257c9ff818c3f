import { defineConfig } from "prisma/config";

// Prisma 6.19 CLI with the bundled WASM schema engine: no binary download needed.
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  async adapter() {
    if (process.env.DATABASE_URL) {
      const { PrismaPg } = await import("@prisma/adapter-pg");
      return new PrismaPg({ connectionString: process.env.DATABASE_URL });
    }
    const { mkdirSync } = await import("node:fs");
    const { PGlite } = await import("@electric-sql/pglite");
    const { PrismaPGlite } = await import("pglite-prisma-adapter");
    const dir = process.env.PGLITE_DIR ?? "./.data/pglite";
    if (!dir.startsWith("memory://")) mkdirSync(dir, { recursive: true });
    return new PrismaPGlite(new PGlite(dir));
  },
});
