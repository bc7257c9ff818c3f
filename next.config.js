/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native or WASM packages load from node_modules at run time instead of being bundled.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "@node-rs/argon2",
    "pg",
    "@prisma/adapter-pg",
    "ioredis",
    "ws",
  ],
};

export default nextConfig;
