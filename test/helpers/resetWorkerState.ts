/** Empties the D1 tables and KV of a Worker under test, so each test starts from nothing. */
export async function resetWorkerState(env: { DB: D1Database; TOKENS?: KVNamespace }) {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'd1_%' AND name NOT LIKE '_cf_%'",
  ).all<{ name: string }>();
  if (results.length) await env.DB.batch(results.map((t) => env.DB.prepare(`DELETE FROM "${t.name}"`)));
  if (env.TOKENS) for (const key of (await env.TOKENS.list()).keys) await env.TOKENS.delete(key.name);
}
