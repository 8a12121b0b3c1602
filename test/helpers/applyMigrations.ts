import { applyD1Migrations, env } from "cloudflare:test";

// Each test file starts with the real schema, applied the way wrangler applies it.
await applyD1Migrations(
  (env as unknown as { DB: D1Database }).DB,
  (env as unknown as { TEST_MIGRATIONS: Parameters<typeof applyD1Migrations>[1] }).TEST_MIGRATIONS,
);
