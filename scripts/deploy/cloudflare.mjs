// The few Cloudflare API calls `npm run deploy` makes itself: look-ups wrangler has no
// command for (the workers.dev subdomain, a script's secret names and crons) and resource
// creation by name, so a re-run finds what an earlier run made instead of making it twice.
// Everything else (bundling, uploads, migrations) is left to wrangler.
import { spawnSync } from "node:child_process";
import { QUIET_ENV, WRANGLER } from "../workers.mjs";

/** Where wrangler sends its API calls; a local stand-in in tests, as wrangler itself honours it. */
export const apiBase = () =>
  (process.env.CLOUDFLARE_API_BASE_URL || "https://api.cloudflare.com/client/v4").replace(/\/$/, "");

/** Cloudflare answered with an error; `codes` are Cloudflare's numeric error codes. */
export class CloudflareError extends Error {
  constructor(status, path, errors) {
    const words = errors.map((e) => `${e.message} (code ${e.code})`).join("; ") || `HTTP ${status}`;
    super(`Cloudflare refused ${path}: ${words}`);
    this.name = "CloudflareError";
    this.status = status;
    this.codes = errors.map((e) => e.code);
  }
}

/** Not logged in, or the credentials were refused. */
export class NotLoggedInError extends Error {
  name = "NotLoggedInError";
}

/**
 * The credentials wrangler would use (an API token from the environment, or the OAuth
 * token of `wrangler login`, refreshed by wrangler), as request headers.
 */
export function credentials() {
  const run = spawnSync(WRANGLER, ["auth", "token", "--json"], { env: { ...QUIET_ENV, CI: "true" }, encoding: "utf8" });
  const json = /\{[\s\S]*\}/.exec(run.stdout ?? "")?.[0];
  if (run.status !== 0 || !json)
    throw new NotLoggedInError(
      "Wrangler is not logged in. Run `npx wrangler login` first (or set CLOUDFLARE_API_TOKEN), then run this again.",
    );
  const auth = JSON.parse(json);
  return auth.type === "api_key"
    ? { "X-Auth-Key": auth.key, "X-Auth-Email": auth.email }
    : { Authorization: `Bearer ${auth.token}` };
}

/** A v4 API client over one set of credentials. */
export function cloudflare(headers) {
  async function call(method, path, body, withInfo = false) {
    const init = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(`${apiBase()}${path}`, init);
    } catch (error) {
      throw new CloudflareError(0, path, [
        { code: 0, message: `no answer from ${apiBase()} (${error.cause?.code ?? error.message})` },
      ]);
    }
    const envelope = await response
      .json()
      .catch(() => ({ success: false, errors: [{ code: response.status, message: "not a JSON answer" }] }));
    if (response.status === 401 || envelope.errors?.some((e) => e.code === 10000 || e.code === 9109))
      throw new NotLoggedInError(
        "Cloudflare refused the credentials. Run `npx wrangler login` again (or check CLOUDFLARE_API_TOKEN), then run this again.",
      );
    if (!response.ok || envelope.success === false)
      throw new CloudflareError(response.status, path, envelope.errors ?? []);
    return withInfo ? { result: envelope.result, info: envelope.result_info } : envelope.result;
  }
  /** Every page of a list endpoint (an account can have more namespaces than one page holds). */
  async function list(path, perPage = 100) {
    const items = [];
    for (let page = 1; ; page++) {
      const separator = path.includes("?") ? "&" : "?";
      const { result, info } = await call(
        "GET",
        `${path}${separator}per_page=${perPage}&page=${page}`,
        undefined,
        true,
      );
      items.push(...result);
      if (!info?.total_pages || page >= info.total_pages || result.length < perPage) return items;
    }
  }
  /**
   * A call whose "not found" means "there is none". Cloudflare says so with code 10007 (no such
   * script, or no workers.dev subdomain yet) or 10090 (no such service), whatever the status.
   */
  const orNull = (promise) =>
    promise.catch((error) =>
      error instanceof CloudflareError && (error.status === 404 || error.codes.some((c) => c === 10007 || c === 10090))
        ? null
        : Promise.reject(error),
    );
  const account = (id) => `/accounts/${encodeURIComponent(id)}`;
  const script = (a, name) => `${account(a)}/workers/scripts/${encodeURIComponent(name)}`;

  return {
    accounts: () => list("/accounts", 50),
    kvNamespaces: (a) => list(`${account(a)}/storage/kv/namespaces`),
    createKvNamespace: (a, title) => call("POST", `${account(a)}/storage/kv/namespaces`, { title }),
    deleteKvNamespace: (a, id) => call("DELETE", `${account(a)}/storage/kv/namespaces/${id}`),
    d1Databases: (a, name) => list(`${account(a)}/d1/database?name=${encodeURIComponent(name)}`),
    createD1Database: (a, name) => call("POST", `${account(a)}/d1/database`, { name }),
    deleteD1Database: (a, id) => call("DELETE", `${account(a)}/d1/database/${id}`),
    queryD1: (a, id, sql) => call("POST", `${account(a)}/d1/database/${id}/query`, { sql }),
    subdomain: (a) => orNull(call("GET", `${account(a)}/workers/subdomain`)).then((r) => r?.subdomain || null),
    registerSubdomain: (a, subdomain) => call("PUT", `${account(a)}/workers/subdomain`, { subdomain }),
    /** Secret names of a Worker; null when the Worker does not exist yet. */
    secretNames: (a, name) =>
      orNull(call("GET", `${script(a, name)}/secrets`)).then((r) => (r ? r.map((s) => s.name) : null)),
    /** A deployed Worker's plain-text vars; null when the Worker does not exist yet. */
    scriptVars: (a, name) =>
      orNull(call("GET", `${script(a, name)}/settings`)).then((r) =>
        r ? Object.fromEntries(r.bindings.filter((b) => b.type === "plain_text").map((b) => [b.name, b.text])) : null,
      ),
    schedules: (a, name) =>
      orNull(call("GET", `${script(a, name)}/schedules`)).then((r) => (r ? r.schedules.map((s) => s.cron) : null)),
    deleteScript: (a, name) => orNull(call("DELETE", `${script(a, name)}?force=true`)),
  };
}
