// A local stand-in for the parts of Cloudflare's v4 API that `wrangler deploy`, `wrangler d1
// migrations`, `wrangler secret`, `wrangler delete`, `wrangler whoami` and scripts/deploy call.
// Point wrangler at it with CLOUDFLARE_API_BASE_URL=<api.url>. State is real (scripts, versions,
// secrets, KV, D1 backed by node:sqlite), so a second command sees what the first one did.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DatabaseSync, type SQLInputValue } from "node:sqlite";

// ---------------------------------------------------------------------------------------------
// Public shapes
// ---------------------------------------------------------------------------------------------

export interface RecordedRequest {
  method: string;
  /** Without the /client/v4 prefix, e.g. /accounts/abc/workers/scripts/kick-edge-oauth. */
  path: string;
  query: Record<string, string>;
  /** A short summary: JSON text (truncated), the parts of a multipart upload, or a byte count. */
  body: string;
  status: number;
  /** False when no route matched: the stand-in lacks an endpoint wrangler (or the script) used. */
  handled: boolean;
}

export interface Account {
  id: string;
  name: string;
}

export interface KvNamespace {
  id: string;
  title: string;
  supports_url_encoding: boolean;
}

export interface D1Database {
  uuid: string;
  name: string;
  created_at: string;
  version: "production";
  /** The database itself: tests may query it directly. */
  db: DatabaseSync;
}

/** One binding as the upload metadata carries it (`type` plus type-specific fields). */
export interface Binding {
  name: string;
  type: string;
  [field: string]: unknown;
}

export interface UploadedModule {
  name: string;
  size: number;
  contentType: string;
}

export interface AssetsState {
  /** Path → hash of every asset of the version (from the upload session's manifest). */
  manifest: Record<string, { hash: string; size: number }>;
  config: unknown;
}

export interface Version {
  id: string;
  number: number;
  created_on: string;
  /** Every binding, secrets included with their `text`. */
  bindings: Binding[];
  compatibility_date: string | undefined;
  compatibility_flags: string[];
  main_module: string | undefined;
  modules: UploadedModule[];
  assets: AssetsState | undefined;
  annotations: Record<string, unknown>;
  /** The raw upload metadata, for assertions this model does not cover. */
  metadata: Record<string, unknown>;
}

export interface WorkerScript {
  name: string;
  tag: string;
  created_on: string;
  modified_on: string;
  versions: Version[];
  /** The deployed version (100% of traffic). */
  active: Version;
  /** Derived from `active` for convenient assertions. */
  bindings: Binding[];
  vars: Record<string, string>;
  secrets: Record<string, string>;
  schedules: { cron: string; created_on: string; modified_on: string }[];
  workersDev: boolean;
  previewsEnabled: boolean;
  tags: string[];
  settings: Record<string, unknown>;
  /** How many times a version of this script was uploaded (PUT or versions API). */
  uploads: number;
}

export interface CustomDomain {
  id: string;
  zone_id: string;
  zone_name: string;
  hostname: string;
  service: string;
  environment: string;
  cert_id: string;
}

export interface CloudflareState {
  accounts: Account[];
  /** The account's workers.dev subdomain (without .workers.dev); null until one is registered. */
  subdomain: string | null;
  kvNamespaces: Map<string, KvNamespace>;
  d1Databases: Map<string, D1Database>;
  scripts: Map<string, WorkerScript>;
  customDomains: Map<string, CustomDomain>;
  /** Hashes of every asset ever uploaded to the account: a later session asks only for new ones. */
  assetHashes: Set<string>;
}

export interface FaultRule {
  method: string;
  /** A path without /client/v4 (exact) or a RegExp tested against it. */
  path: RegExp | string;
  status?: number;
  times?: number;
}

export interface CloudflareApi {
  /** The CLOUDFLARE_API_BASE_URL value: http://127.0.0.1:PORT/client/v4. */
  url: string;
  token: string;
  accountId: string;
  requests: RecordedRequest[];
  unhandled(): RecordedRequest[];
  state: CloudflareState;
  /** Runs SQL on a D1 database by name or uuid, as the query endpoint does. */
  d1(nameOrUuid: string): DatabaseSync;
  fail(rule: FaultRule): void;
  clearFaults(): void;
  close(): Promise<void>;
}

export interface CloudflareApiOptions {
  accounts?: Account[];
  /** The workers.dev subdomain already registered; null for none. Default "kick-edge-test". */
  subdomain?: string | null;
  token?: string;
}

// ---------------------------------------------------------------------------------------------
// Plumbing: envelope, errors, routing
// ---------------------------------------------------------------------------------------------

const PREFIX = "/client/v4";

class ApiError extends Error {
  readonly status: number;
  readonly code: number;
  readonly extra: { code: number; message: string }[];
  constructor(status: number, code: number, message: string, extra: { code: number; message: string }[] = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.extra = extra;
  }
}

interface Reply {
  status?: number;
  result: unknown;
  result_info?: Record<string, number>;
}

interface Ctx {
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: Buffer;
  accountId: string;
}

type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

interface Route {
  method: string;
  pattern: string;
  /** Who may call it: the API token (default), or the assets-upload JWT of a session. */
  auth?: "token" | "assets-jwt";
  handler: Handler;
}

interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.pattern.replace(/:(\w+)/g, (_, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  return { ...route, regex: new RegExp(`^${source}$`), names };
}

const ok = (result: unknown, status = 200): Reply => ({ status, result });

function json<T>(ctx: Ctx): T {
  try {
    return JSON.parse(ctx.body.toString("utf8")) as T;
  } catch {
    throw new ApiError(400, 10026, "Could not parse request body as JSON");
  }
}

async function form(ctx: Ctx): Promise<FormData> {
  const contentType = ctx.headers["content-type"] ?? "";
  if (!contentType.startsWith("multipart/form-data"))
    throw new ApiError(400, 10021, `Expected multipart/form-data, got ${contentType}`);
  return await new Response(new Uint8Array(ctx.body), { headers: { "content-type": contentType } }).formData();
}

function paginate<T>(items: T[], query: URLSearchParams): Reply {
  const perPage = Math.max(1, Number(query.get("per_page") ?? 20) || 20);
  const page = Math.max(1, Number(query.get("page") ?? 1) || 1);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  return {
    result: slice,
    result_info: {
      page,
      per_page: perPage,
      count: slice.length,
      total_count: items.length,
      total_pages: Math.max(1, Math.ceil(items.length / perPage)),
    },
  };
}

const hex = (bytes: number) => randomBytes(bytes).toString("hex");
const now = () => new Date().toISOString();
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

function summarize(body: Buffer, contentType: string | undefined): string {
  if (body.length === 0) return "";
  if (contentType?.startsWith("multipart/form-data")) {
    const names = [...body.toString("latin1").matchAll(/Content-Disposition: form-data; name="([^"]*)"/gi)].map(
      (m) => m[1],
    );
    return `multipart(${body.length} bytes): ${names.join(", ")}`;
  }
  const text = body.toString("utf8");
  if (/^[\s[{"]/.test(text)) return text.length > 500 ? `${text.slice(0, 500)}…` : text;
  return `<${body.length} bytes>`;
}

// ---------------------------------------------------------------------------------------------
// SQL: D1's query endpoint runs several statements in one call, in one transaction
// ---------------------------------------------------------------------------------------------

/** Splits on top-level semicolons, skipping quotes and comments, keeping trigger bodies whole. */
export function splitSql(sql: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  const flush = (end: number) => {
    const text = sql.slice(start, end).trim();
    if (text.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, "").trim()) statements.push(text);
    start = end + 1;
  };
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === "`" || c === "[") {
      const close = c === "[" ? "]" : c;
      i = sql.indexOf(close, i + 1);
      if (i === -1) break;
      if (close !== "]" && sql[i + 1] === close) {
        i += 2;
        continue;
      }
    } else if (c === "-" && sql[i + 1] === "-") {
      i = sql.indexOf("\n", i);
      if (i === -1) break;
    } else if (c === "/" && sql[i + 1] === "*") {
      i = sql.indexOf("*/", i + 2) + 1;
      if (i === 0) break;
    } else if (c === ";") {
      const text = sql.slice(start, i);
      // Inside CREATE TRIGGER … BEGIN … END the inner semicolons do not end the statement.
      const isTrigger = /^\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*CREATE\s+(?:TEMP(?:ORARY)?\s+)?TRIGGER\b/i.test(
        text,
      );
      if (!isTrigger || /\bEND\s*$/i.test(text)) flush(i);
    }
    i++;
  }
  flush(sql.length);
  return statements;
}

interface D1StatementResult {
  results: Record<string, unknown>[];
  success: true;
  meta: {
    duration: number;
    changes: number;
    last_row_id: number;
    rows_read: number;
    rows_written: number;
    changed_db: boolean;
    size_after: number;
  };
}

function runD1(db: DatabaseSync, sql: string, params: SQLInputValue[] = []): D1StatementResult[] {
  const statements = splitSql(sql);
  const results: D1StatementResult[] = [];
  db.exec("BEGIN");
  try {
    for (const [index, text] of statements.entries()) {
      const started = performance.now();
      const statement = db.prepare(text);
      // D1 binds `params` to the single statement of a one-statement query.
      const bound = index === 0 && statements.length === 1 ? params : [];
      let rows: Record<string, unknown>[] = [];
      let changes = 0;
      let lastRowId = 0;
      if (statement.columns().length > 0) {
        rows = statement.all(...bound) as Record<string, unknown>[];
      } else {
        const run = statement.run(...bound);
        changes = Number(run.changes);
        lastRowId = Number(run.lastInsertRowid);
      }
      results.push({
        results: rows,
        success: true,
        meta: {
          duration: performance.now() - started,
          changes,
          last_row_id: lastRowId,
          rows_read: rows.length,
          rows_written: changes,
          changed_db: changes > 0,
          size_after: 0,
        },
      });
    }
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw new ApiError(400, 7500, `${error instanceof Error ? error.message : String(error)}: SQLITE_ERROR`);
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

export async function startCloudflareApi(options: CloudflareApiOptions = {}): Promise<CloudflareApi> {
  const token = options.token ?? `cf-test-${hex(16)}`;
  const accounts = options.accounts ?? [{ id: hex(16), name: "Test Streamer's Account" }];
  const state: CloudflareState = {
    accounts,
    subdomain: options.subdomain === undefined ? "kick-edge-test" : options.subdomain,
    kvNamespaces: new Map(),
    d1Databases: new Map(),
    scripts: new Map(),
    customDomains: new Map(),
    assetHashes: new Set(),
  };
  const requests: RecordedRequest[] = [];
  const faults: (FaultRule & { left: number })[] = [];
  /** Upload-session and completion tokens handed out for static assets. */
  const assetSessions = new Map<string, { manifest: AssetsState["manifest"]; completion: string }>();
  const completionTokens = new Map<string, AssetsState["manifest"]>();

  // -- helpers over state ------------------------------------------------------------------------

  const scriptOr404 = (name: string | undefined): WorkerScript => {
    const script = name === undefined ? undefined : state.scripts.get(name);
    if (!script) throw new ApiError(404, 10007, "This Worker does not exist on your account.");
    return script;
  };
  const d1Or404 = (nameOrUuid: string | undefined): D1Database => {
    for (const db of state.d1Databases.values()) if (db.uuid === nameOrUuid || db.name === nameOrUuid) return db;
    throw new ApiError(404, 7404, `The database ${nameOrUuid ?? ""} could not be found`);
  };
  const d1Info = (db: D1Database) => {
    const tables = db.db
      .prepare(
        "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
      )
      .get() as { n: number };
    return {
      uuid: db.uuid,
      name: db.name,
      created_at: db.created_at,
      version: db.version,
      num_tables: tables.n,
      file_size: 0,
      running_in_region: "WEUR",
    };
  };
  const scriptSummary = (script: WorkerScript) => ({
    id: script.name,
    tag: script.tag,
    etag: script.active.id.replaceAll("-", ""),
    handlers: ["fetch", ...(script.schedules.length ? ["scheduled"] : [])],
    created_on: script.created_on,
    modified_on: script.modified_on,
    usage_model: "standard",
    compatibility_date: script.active.compatibility_date,
    compatibility_flags: script.active.compatibility_flags,
    // "api" or "dash" here would make `wrangler deploy` warn and ask before overwriting.
    last_deployed_from: "wrangler",
    tags: script.tags,
    has_assets: script.active.assets !== undefined,
    has_modules: true,
    logpush: false,
  });
  const redact = (bindings: Binding[]) =>
    bindings.map((b) => (b.type === "secret_text" ? { name: b.name, type: b.type } : b));
  const versionView = (script: WorkerScript, version: Version) => ({
    id: version.id,
    number: version.number,
    metadata: {
      created_on: version.created_on,
      modified_on: version.created_on,
      source: "wrangler",
      author_email: "streamer@example.com",
    },
    annotations: version.annotations,
    resources: {
      bindings: redact(version.bindings),
      script: { etag: version.id.replaceAll("-", ""), handlers: ["fetch"], last_deployed_from: "wrangler" },
      script_runtime: {
        compatibility_date: version.compatibility_date,
        compatibility_flags: version.compatibility_flags,
        usage_model: "standard",
      },
    },
    script_name: script.name,
  });

  const activate = (script: WorkerScript, version: Version) => {
    script.active = version;
    script.modified_on = now();
    script.bindings = redact(version.bindings);
    script.vars = Object.fromEntries(
      version.bindings.filter((b) => b.type === "plain_text").map((b) => [b.name, String(b.text)]),
    );
    script.secrets = Object.fromEntries(
      version.bindings.filter((b) => b.type === "secret_text").map((b) => [b.name, String(b.text)]),
    );
  };

  /** A new version from an upload form, resolving `inherit` bindings and `keep_bindings` against the active one. */
  const versionFromUpload = async (ctx: Ctx, previous: Version | undefined): Promise<Version> => {
    const data = await form(ctx);
    const rawMetadata = data.get("metadata");
    if (rawMetadata === null) throw new ApiError(400, 10021, "metadata part missing");
    const metadata = JSON.parse(typeof rawMetadata === "string" ? rawMetadata : await rawMetadata.text()) as Record<
      string,
      unknown
    >;
    const uploaded = (metadata.bindings as Binding[] | undefined) ?? [];
    const invalid: string[] = [];
    const bindings: Binding[] = [];
    for (const binding of uploaded) {
      if (binding.type !== "inherit") {
        bindings.push(binding);
        continue;
      }
      const old = previous?.bindings.find((b) => b.name === binding.name);
      if (old) bindings.push(old);
      else invalid.push(binding.name);
    }
    if (invalid.length) {
      const errors = invalid.map((name) => ({
        code: 10057,
        message: `inherit binding '${name}' is invalid: no binding of that name on the previous version`,
      }));
      throw new ApiError(400, 10057, errors[0]?.message ?? "", errors.slice(1));
    }
    const keep = new Set((metadata.keep_bindings as string[] | undefined) ?? []);
    for (const old of previous?.bindings ?? []) {
      if (keep.has(old.type) && !bindings.some((b) => b.name === old.name)) bindings.push(old);
    }
    for (const binding of bindings) {
      if (binding.type === "kv_namespace" && !state.kvNamespaces.has(String(binding.namespace_id))) {
        throw new ApiError(400, 10041, `KV namespace '${String(binding.namespace_id)}' is not valid. [code: 10041]`);
      }
      if (binding.type === "d1" && ![...state.d1Databases.values()].some((db) => db.uuid === binding.id)) {
        throw new ApiError(
          400,
          10021,
          `binding ${binding.name} of type d1 must have a valid \`id\` specified [code: 10021]`,
        );
      }
    }
    const modules: UploadedModule[] = [];
    for (const [name, value] of data.entries()) {
      if (name === "metadata" || typeof value === "string") continue;
      modules.push({ name: value.name || name, size: value.size, contentType: value.type });
    }
    let assets: AssetsState | undefined;
    const uploadAssets = metadata.assets as { jwt?: string; config?: unknown } | undefined;
    if (uploadAssets?.jwt) {
      const manifest = completionTokens.get(uploadAssets.jwt);
      if (!manifest) throw new ApiError(400, 10200, "Invalid or expired assets completion token");
      assets = { manifest, config: uploadAssets.config };
    } else if (metadata.keep_assets === true) {
      assets = previous?.assets;
    }
    return {
      id: randomUUID(),
      number: (previous?.number ?? 0) + 1,
      created_on: now(),
      bindings,
      compatibility_date: metadata.compatibility_date as string | undefined,
      compatibility_flags: (metadata.compatibility_flags as string[] | undefined) ?? [],
      main_module: (metadata.main_module as string | undefined) ?? (metadata.body_part as string | undefined),
      modules,
      assets,
      annotations: (metadata.annotations as Record<string, unknown> | undefined) ?? {},
      metadata,
    };
  };

  const newScript = (name: string, version: Version): WorkerScript => {
    const script: WorkerScript = {
      name,
      tag: hex(16),
      created_on: now(),
      modified_on: now(),
      versions: [version],
      active: version,
      bindings: [],
      vars: {},
      secrets: {},
      schedules: [],
      workersDev: false,
      previewsEnabled: false,
      tags: [],
      settings: {},
      uploads: 1,
    };
    activate(script, version);
    state.scripts.set(name, script);
    return script;
  };

  /** Deleting a Worker takes its custom domains with it; its KV and D1 stay. */
  const deleteScript = (script: WorkerScript) => {
    state.scripts.delete(script.name);
    for (const [id, domain] of state.customDomains) if (domain.service === script.name) state.customDomains.delete(id);
  };

  /** Secrets edits make and deploy a new version, as Cloudflare does. */
  const editSecrets = (script: WorkerScript, edit: (bindings: Binding[]) => Binding[]) => {
    const version: Version = {
      ...script.active,
      id: randomUUID(),
      number: script.active.number + 1,
      created_on: now(),
      bindings: edit([...script.active.bindings]),
      annotations: { "workers/triggered_by": "secret" },
    };
    script.versions.push(version);
    activate(script, version);
  };

  const accountView = (a: Account) => ({
    id: a.id,
    name: a.name,
    type: "standard",
    settings: { enforce_twofactor: false },
    created_on: "2024-01-01T00:00:00Z",
  });
  const zoneOf = (hostname: string) => {
    const zone_name = hostname.split(".").slice(-2).join(".");
    return { zone_name, zone_id: createHash("md5").update(zone_name).digest("hex") };
  };

  // -- the route table, grouped by resource --------------------------------------------------------

  const A = "/accounts/:account";
  const S = `${A}/workers/scripts/:script`;
  const routes: Route[] = [
    // Identity ------------------------------------------------------------------------------------
    {
      method: "GET",
      pattern: "/user/tokens/verify",
      handler: () => ok({ id: "f".repeat(32), status: "active", not_before: null, expires_on: null }),
    },
    { method: "GET", pattern: `${A}/tokens/verify`, handler: () => ok({ id: "f".repeat(32), status: "active" }) },
    // An API token without User Details permission answers this way; wrangler whoami copes.
    {
      method: "GET",
      pattern: "/user",
      handler: () => {
        throw new ApiError(403, 9109, "Unauthorized to access requested resource");
      },
    },
    { method: "GET", pattern: "/accounts", handler: (ctx) => paginate(state.accounts.map(accountView), ctx.query) },
    {
      method: "GET",
      pattern: A,
      handler: (ctx) => ok(accountView(state.accounts.find((a) => a.id === ctx.accountId) as Account)),
    },
    {
      method: "GET",
      pattern: "/memberships",
      handler: (ctx) =>
        paginate(
          state.accounts.map((a) => ({
            id: hex(16),
            status: "accepted",
            account: { id: a.id, name: a.name },
            roles: ["Super Administrator - All Privileges"],
          })),
          ctx.query,
        ),
    },

    // workers.dev subdomain (account) ------------------------------------------------------------
    {
      method: "GET",
      pattern: `${A}/workers/subdomain`,
      handler: () => {
        if (state.subdomain === null)
          throw new ApiError(404, 10007, "This account does not have a workers.dev subdomain.");
        return ok({ subdomain: state.subdomain });
      },
    },
    {
      method: "PUT",
      pattern: `${A}/workers/subdomain`,
      handler: (ctx) => {
        const { subdomain } = json<{ subdomain?: string }>(ctx);
        if (!subdomain || !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(subdomain))
          throw new ApiError(400, 10033, "Invalid subdomain");
        state.subdomain = subdomain;
        return ok({ subdomain });
      },
    },
    // Availability check: 10032 means "available" to wrangler.
    {
      method: "GET",
      pattern: `${A}/workers/subdomains/:name`,
      handler: () => {
        throw new ApiError(404, 10032, "Subdomain is available");
      },
    },

    // Scripts -----------------------------------------------------------------------------------
    {
      method: "GET",
      pattern: `${A}/workers/scripts`,
      handler: () => ok([...state.scripts.values()].map(scriptSummary)),
    },
    {
      method: "GET",
      pattern: `${A}/workers/services/:script`,
      handler: (ctx) => {
        const script = state.scripts.get(ctx.params.script ?? "");
        if (!script) throw new ApiError(404, 10090, "workers.api.error.service_not_found");
        return ok({
          id: script.name,
          default_environment: {
            environment: "production",
            created_on: script.created_on,
            modified_on: script.modified_on,
            script: scriptSummary(script),
          },
          created_on: script.created_on,
          modified_on: script.modified_on,
        });
      },
    },
    {
      method: "GET",
      pattern: `${A}/workers/workers/:script`,
      handler: (ctx) => {
        const script = scriptOr404(ctx.params.script);
        return ok({
          id: script.tag,
          name: script.name,
          created_on: script.created_on,
          updated_on: script.modified_on,
          subdomain: { enabled: script.workersDev, previews_enabled: script.previewsEnabled },
          tags: script.tags,
          logpush: false,
          observability: script.settings.observability ?? { enabled: false },
        });
      },
    },
    {
      // The one-shot upload: first deploy (and wrangler's draft Worker for `secret bulk`).
      method: "PUT",
      pattern: S,
      handler: async (ctx) => {
        const name = ctx.params.script ?? "";
        const existing = state.scripts.get(name);
        const version = await versionFromUpload(ctx, existing?.active);
        let script: WorkerScript;
        if (existing) {
          existing.versions.push(version);
          existing.uploads++;
          activate(existing, version);
          script = existing;
        } else {
          script = newScript(name, version);
        }
        return ok({ ...scriptSummary(script), deployment_id: version.id, startup_time_ms: 1 });
      },
    },
    { method: "DELETE", pattern: S, handler: (ctx) => (deleteScript(scriptOr404(ctx.params.script)), ok(null)) },
    {
      // `wrangler delete` goes through the services API.
      method: "DELETE",
      pattern: `${A}/workers/services/:script`,
      handler: (ctx) => {
        const script = state.scripts.get(ctx.params.script ?? "");
        if (!script) throw new ApiError(404, 10090, "workers.api.error.service_not_found");
        deleteScript(script);
        return ok(null);
      },
    },
    // Looked up by `wrangler delete` to find Container applications the Worker owns; no Durable Objects here.
    { method: "GET", pattern: `${A}/workers/durable_objects/namespaces`, handler: (ctx) => paginate([], ctx.query) },
    {
      method: "GET",
      pattern: `${S}/references`,
      handler: (ctx) => (
        scriptOr404(ctx.params.script),
        ok({ dispatch_outbounds: [], durable_objects: [], domains: [], queues: [], workflows: [] })
      ),
    },
    {
      method: "GET",
      pattern: `${S}/settings`,
      handler: (ctx) => {
        const script = scriptOr404(ctx.params.script);
        return ok({
          bindings: script.bindings,
          compatibility_date: script.active.compatibility_date,
          compatibility_flags: script.active.compatibility_flags,
          tags: script.tags,
          ...script.settings,
        });
      },
    },
    {
      method: "PATCH",
      pattern: `${S}/script-settings`,
      handler: (ctx) => {
        const script = scriptOr404(ctx.params.script);
        const settings = json<Record<string, unknown>>(ctx);
        if (Array.isArray(settings.tags)) script.tags = settings.tags as string[];
        Object.assign(script.settings, settings);
        return ok({ ...script.settings, tags: script.tags });
      },
    },
    {
      method: "GET",
      pattern: `${S}/script-settings`,
      handler: (ctx) => {
        const script = scriptOr404(ctx.params.script);
        return ok({ ...script.settings, tags: script.tags });
      },
    },

    // Versions and deployments ------------------------------------------------------------------
    {
      method: "POST",
      pattern: `${S}/versions`,
      handler: async (ctx) => {
        const script = scriptOr404(ctx.params.script);
        const version = await versionFromUpload(ctx, script.active);
        script.versions.push(version);
        script.uploads++;
        return ok({
          id: version.id,
          number: version.number,
          metadata: versionView(script, version).metadata,
          resources: { script: { etag: version.id.replaceAll("-", "") } },
          startup_time_ms: 1,
        });
      },
    },
    {
      method: "GET",
      pattern: `${S}/versions`,
      handler: (ctx) => {
        const script = scriptOr404(ctx.params.script);
        return ok({ items: [...script.versions].reverse().map((v) => versionView(script, v)) });
      },
    },
    {
      method: "GET",
      pattern: `${S}/versions/:version`,
      handler: (ctx) => {
        const script = scriptOr404(ctx.params.script);
        const version = script.versions.find((v) => v.id === ctx.params.version);
        if (!version) throw new ApiError(404, 10220, "Version not found");
        return ok(versionView(script, version));
      },
    },
    {
      method: "GET",
      pattern: `${S}/deployments`,
      handler: (ctx) => {
        const script = scriptOr404(ctx.params.script);
        return ok({
          deployments: [
            {
              id: randomUUID(),
              source: "wrangler",
              strategy: "percentage",
              author_email: "streamer@example.com",
              created_on: script.modified_on,
              annotations: {},
              versions: [{ version_id: script.active.id, percentage: 100 }],
            },
          ],
        });
      },
    },
    {
      method: "POST",
      pattern: `${S}/deployments`,
      handler: (ctx) => {
        const script = scriptOr404(ctx.params.script);
        const body = json<{ versions?: { version_id: string; percentage: number }[] }>(ctx);
        const target = body.versions?.find((v) => v.percentage === 100) ?? body.versions?.[0];
        const version = script.versions.find((v) => v.id === target?.version_id);
        if (!version) throw new ApiError(400, 10220, "Version not found");
        activate(script, version);
        return ok({
          id: randomUUID(),
          source: "wrangler",
          strategy: "percentage",
          created_on: now(),
          versions: body.versions,
          annotations: {},
        });
      },
    },

    // Secrets -----------------------------------------------------------------------------------
    {
      method: "GET",
      pattern: `${S}/secrets`,
      handler: (ctx) =>
        ok(Object.keys(scriptOr404(ctx.params.script).secrets).map((name) => ({ name, type: "secret_text" }))),
    },
    {
      method: "PUT",
      pattern: `${S}/secrets`,
      handler: (ctx) => {
        const script = scriptOr404(ctx.params.script);
        const { name, text } = json<{ name: string; text: string }>(ctx);
        editSecrets(script, (bindings) => [
          ...bindings.filter((b) => b.name !== name),
          { name, type: "secret_text", text },
        ]);
        return ok({ name, type: "secret_text" });
      },
    },
    {
      method: "DELETE",
      pattern: `${S}/secrets/:secret`,
      handler: (ctx) => {
        const script = scriptOr404(ctx.params.script);
        const name = ctx.params.secret ?? "";
        if (!(name in script.secrets)) throw new ApiError(404, 10056, "Binding name not found");
        editSecrets(script, (bindings) => bindings.filter((b) => b.name !== name));
        return ok(null);
      },
    },
    {
      method: "PATCH",
      pattern: `${S}/secrets-bulk`,
      handler: (ctx) => {
        const script = scriptOr404(ctx.params.script);
        const { secrets } = json<{ secrets: Record<string, { name: string; text: string } | null> }>(ctx);
        editSecrets(script, (bindings) => {
          const kept = bindings.filter((b) => !(b.name in secrets));
          for (const [name, secret] of Object.entries(secrets))
            if (secret) kept.push({ name, type: "secret_text", text: secret.text });
          return kept;
        });
        return ok(Object.keys(script.secrets).map((name) => ({ name, type: "secret_text" })));
      },
    },

    // Cron triggers -----------------------------------------------------------------------------
    {
      method: "GET",
      pattern: `${S}/schedules`,
      handler: (ctx) => ok({ schedules: scriptOr404(ctx.params.script).schedules }),
    },
    {
      method: "PUT",
      pattern: `${S}/schedules`,
      handler: (ctx) => {
        const script = scriptOr404(ctx.params.script);
        script.schedules = json<{ cron: string }[]>(ctx).map(({ cron }) => ({
          cron,
          created_on: now(),
          modified_on: now(),
        }));
        return ok({ schedules: script.schedules });
      },
    },

    // workers.dev per script --------------------------------------------------------------------
    {
      method: "GET",
      pattern: `${S}/subdomain`,
      handler: (ctx) => {
        const s = scriptOr404(ctx.params.script);
        return ok({ enabled: s.workersDev, previews_enabled: s.previewsEnabled });
      },
    },
    {
      method: "POST",
      pattern: `${S}/subdomain`,
      handler: (ctx) => {
        const script = scriptOr404(ctx.params.script);
        const body = json<{ enabled?: boolean; previews_enabled?: boolean }>(ctx);
        if (body.enabled && state.subdomain === null)
          throw new ApiError(400, 10007, "This account does not have a workers.dev subdomain.");
        script.workersDev = body.enabled ?? script.workersDev;
        script.previewsEnabled = body.previews_enabled ?? script.previewsEnabled;
        return ok({ enabled: script.workersDev, previews_enabled: script.previewsEnabled });
      },
    },

    // Custom domains ----------------------------------------------------------------------------
    {
      method: "POST",
      pattern: `${S}/domains/changeset`,
      handler: (ctx) => {
        const script = scriptOr404(ctx.params.script);
        const origins = json<{ hostname: string }[]>(ctx);
        const all = [...state.customDomains.values()];
        const added = origins
          .filter((o) => !all.some((d) => d.hostname === o.hostname))
          .map((o) => ({ ...o, ...zoneOf(o.hostname) }));
        const updated = all
          .filter((d) => origins.some((o) => o.hostname === d.hostname))
          .map((d) => ({ ...d, modified: d.service !== script.name }));
        const removed = all.filter((d) => d.service === script.name && !origins.some((o) => o.hostname === d.hostname));
        return ok({ added, updated, removed, conflicting: [] });
      },
    },
    {
      method: "PUT",
      pattern: `${S}/domains/records`,
      handler: (ctx) => {
        const script = scriptOr404(ctx.params.script);
        const { origins, override_existing_origin } = json<{
          origins: { hostname: string }[];
          override_existing_origin?: boolean;
        }>(ctx);
        for (const [id, domain] of state.customDomains) {
          const wanted = origins.some((o) => o.hostname === domain.hostname);
          if (domain.service === script.name && !wanted) state.customDomains.delete(id);
          if (domain.service !== script.name && wanted && !override_existing_origin)
            throw new ApiError(409, 100117, `Hostname '${domain.hostname}' already has externally managed DNS records`);
          if (wanted) state.customDomains.delete(id);
        }
        for (const origin of origins) {
          const id = hex(16);
          state.customDomains.set(id, {
            id,
            hostname: origin.hostname,
            ...zoneOf(origin.hostname),
            service: script.name,
            environment: "production",
            cert_id: randomUUID(),
          });
        }
        return ok([...state.customDomains.values()].filter((d) => d.service === script.name));
      },
    },
    {
      method: "GET",
      pattern: `${A}/workers/domains`,
      handler: (ctx) => {
        const filters = ["service", "hostname", "zone_name", "zone_id", "environment"] as const;
        return ok(
          [...state.customDomains.values()].filter((d) =>
            filters.every((f) => !ctx.query.has(f) || d[f] === ctx.query.get(f)),
          ),
        );
      },
    },
    { method: "GET", pattern: `${A}/workers/domains/records/:id`, handler: (ctx) => ok(domainOr404(ctx.params.id)) },
    { method: "GET", pattern: `${A}/workers/domains/:id`, handler: (ctx) => ok(domainOr404(ctx.params.id)) },
    {
      method: "DELETE",
      pattern: `${A}/workers/domains/:id`,
      handler: (ctx) => (state.customDomains.delete(domainOr404(ctx.params.id).id), ok(null)),
    },

    // Static assets -----------------------------------------------------------------------------
    {
      method: "POST",
      pattern: `${S}/assets-upload-session`,
      handler: (ctx) => {
        const { manifest } = json<{ manifest: AssetsState["manifest"] }>(ctx);
        const missing = [...new Set(Object.values(manifest).map((m) => m.hash))].filter(
          (h) => !state.assetHashes.has(h),
        );
        const completion = `${b64url({ alg: "HS256" })}.${b64url({ phase: "complete", nonce: hex(8), exp: Math.floor(Date.now() / 1000) + 3600 })}.sig`;
        completionTokens.set(completion, manifest);
        if (missing.length === 0) return ok({ jwt: completion, buckets: [] });
        const jwt = `${b64url({ alg: "HS256" })}.${b64url({ phase: "upload", nonce: hex(8), exp: Math.floor(Date.now() / 1000) + 3600 })}.sig`;
        assetSessions.set(jwt, { manifest, completion });
        // Two buckets when there is more than one file, so the multi-request flow is exercised.
        const half = Math.ceil(missing.length / 2);
        return ok({ jwt, buckets: [missing.slice(0, half), missing.slice(half)].filter((b) => b.length) });
      },
    },
    {
      method: "POST",
      pattern: `${A}/workers/assets/upload`,
      auth: "assets-jwt",
      handler: async (ctx) => {
        const session = assetSessions.get(bearer(ctx.headers) ?? "");
        if (!session) throw new ApiError(401, 10000, "Authentication error");
        const wanted = new Set(Object.values(session.manifest).map((m) => m.hash));
        for (const [hash] of (await form(ctx)).entries()) {
          if (!wanted.has(hash)) throw new ApiError(400, 10201, `Unexpected asset hash ${hash}`);
          state.assetHashes.add(hash);
        }
        const done = [...wanted].every((h) => state.assetHashes.has(h));
        return done ? ok({ jwt: session.completion }, 201) : ok({}, 202);
      },
    },

    // KV ----------------------------------------------------------------------------------------
    {
      method: "GET",
      pattern: `${A}/storage/kv/namespaces`,
      handler: (ctx) => paginate([...state.kvNamespaces.values()], ctx.query),
    },
    {
      method: "POST",
      pattern: `${A}/storage/kv/namespaces`,
      handler: (ctx) => {
        const { title } = json<{ title?: string }>(ctx);
        if (!title) throw new ApiError(400, 10019, "the namespace title is required");
        if ([...state.kvNamespaces.values()].some((n) => n.title === title))
          throw new ApiError(400, 10014, "a namespace with this account ID and title already exists");
        const namespace: KvNamespace = { id: hex(16), title, supports_url_encoding: true };
        state.kvNamespaces.set(namespace.id, namespace);
        return ok(namespace);
      },
    },
    { method: "GET", pattern: `${A}/storage/kv/namespaces/:id`, handler: (ctx) => ok(kvOr404(ctx.params.id)) },
    {
      method: "DELETE",
      pattern: `${A}/storage/kv/namespaces/:id`,
      handler: (ctx) => (state.kvNamespaces.delete(kvOr404(ctx.params.id).id), ok(null)),
    },

    // D1 ----------------------------------------------------------------------------------------
    {
      method: "GET",
      pattern: `${A}/d1/database`,
      handler: (ctx) => {
        const name = ctx.query.get("name");
        return paginate(
          [...state.d1Databases.values()].filter((db) => !name || db.name === name).map(d1Info),
          ctx.query,
        );
      },
    },
    {
      method: "POST",
      pattern: `${A}/d1/database`,
      handler: (ctx) => {
        const { name } = json<{ name?: string }>(ctx);
        if (!name) throw new ApiError(400, 7400, "The request is malformed: name is required");
        if ([...state.d1Databases.values()].some((db) => db.name === name))
          throw new ApiError(400, 7502, "A database with that name already exists");
        const db: D1Database = {
          uuid: randomUUID(),
          name,
          created_at: now(),
          version: "production",
          db: new DatabaseSync(":memory:"),
        };
        state.d1Databases.set(db.uuid, db);
        return ok(d1Info(db));
      },
    },
    { method: "GET", pattern: `${A}/d1/database/:db`, handler: (ctx) => ok(d1Info(d1Or404(ctx.params.db))) },
    {
      method: "DELETE",
      pattern: `${A}/d1/database/:db`,
      handler: (ctx) => {
        const db = d1Or404(ctx.params.db);
        db.db.close();
        state.d1Databases.delete(db.uuid);
        return ok(null);
      },
    },
    {
      method: "POST",
      pattern: `${A}/d1/database/:db/query`,
      handler: (ctx) => {
        const body = json<{ sql?: string; params?: SQLInputValue[] }>(ctx);
        return ok(runD1(d1Or404(ctx.params.db).db, body.sql ?? "", body.params ?? []));
      },
    },
    {
      method: "POST",
      pattern: `${A}/d1/database/:db/raw`,
      handler: (ctx) => {
        const body = json<{ sql?: string; params?: SQLInputValue[] }>(ctx);
        return ok(
          runD1(d1Or404(ctx.params.db).db, body.sql ?? "", body.params ?? []).map((r) => {
            const columns = Object.keys(r.results[0] ?? {});
            return { ...r, results: { columns, rows: r.results.map((row) => columns.map((c) => row[c])) } };
          }),
        );
      },
    },
  ];
  const compiled = routes.map(compile);

  function domainOr404(id: string | undefined): CustomDomain {
    const domain = state.customDomains.get(id ?? "");
    if (!domain) throw new ApiError(404, 100114, "Domain not found");
    return domain;
  }
  function kvOr404(id: string | undefined): KvNamespace {
    const namespace = state.kvNamespaces.get(id ?? "");
    if (!namespace) throw new ApiError(404, 10013, "namespace not found");
    return namespace;
  }

  // -- request handling --------------------------------------------------------------------------

  function bearer(headers: IncomingMessage["headers"]): string | undefined {
    return /^Bearer (.+)$/i.exec(headers.authorization ?? "")?.[1];
  }

  function send(res: ServerResponse, status: number, payload: Record<string, unknown>) {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(payload));
  }
  const failure = (code: number, message: string, extra: { code: number; message: string }[] = []) => ({
    success: false,
    errors: [{ code, message }, ...extra],
    messages: [],
    result: null,
  });

  async function handle(
    req: IncomingMessage,
    body: Buffer,
    record: RecordedRequest,
  ): Promise<{ status: number; payload: Record<string, unknown> }> {
    const url = new URL(req.url ?? "/", "http://stand-in");
    const method = req.method ?? "GET";
    const fault = faults.find(
      (f) =>
        f.left > 0 &&
        f.method.toUpperCase() === method &&
        (typeof f.path === "string" ? f.path === record.path : f.path.test(record.path)),
    );
    if (fault) {
      fault.left--;
      record.handled = true;
      return { status: fault.status ?? 500, payload: failure(10013, "An unknown error has occurred (injected fault)") };
    }
    if (!url.pathname.startsWith(`${PREFIX}/`))
      return { status: 404, payload: failure(7003, `No route for ${url.pathname}: the API lives under ${PREFIX}`) };
    const path = url.pathname.slice(PREFIX.length);
    let route: CompiledRoute | undefined;
    let match: RegExpExecArray | null = null;
    for (const candidate of compiled) {
      if (candidate.method !== method) continue;
      match = candidate.regex.exec(path);
      if (match) {
        route = candidate;
        break;
      }
    }
    if (!route || !match)
      return {
        status: 404,
        payload: failure(
          7003,
          `Could not route to ${path}, perhaps your object identifier is invalid? (no such endpoint in the stand-in: ${method} ${path})`,
        ),
      };
    record.handled = true;
    const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? "")]));

    const presented = bearer(req.headers);
    if (route.auth !== "assets-jwt") {
      if (!presented)
        return { status: 401, payload: failure(10000, "Authentication error: missing Authorization header") };
      if (presented !== token) return { status: 403, payload: failure(10000, "Authentication error") };
    }
    const accountId = params.account ?? "";
    if (params.account !== undefined && !state.accounts.some((a) => a.id === accountId)) {
      return { status: 403, payload: failure(10000, "Authentication error") };
    }
    try {
      const reply = await route.handler({ params, query: url.searchParams, headers: req.headers, body, accountId });
      return {
        status: reply.status ?? 200,
        payload: {
          success: true,
          errors: [],
          messages: [],
          result: reply.result,
          ...(reply.result_info && { result_info: reply.result_info }),
        },
      };
    } catch (error) {
      if (error instanceof ApiError)
        return { status: error.status, payload: failure(error.code, error.message, error.extra) };
      return {
        status: 500,
        payload: failure(
          10013,
          `stand-in crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        ),
      };
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? "/", "http://stand-in");
      const record: RecordedRequest = {
        method: req.method ?? "GET",
        path: url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length) : url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: summarize(body, req.headers["content-type"]),
        status: 0,
        handled: false,
      };
      requests.push(record);
      void handle(req, body, record).then(({ status, payload }) => {
        record.status = status;
        send(res, status, payload);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${PREFIX}`,
    token,
    accountId: accounts[0]?.id ?? "",
    requests,
    unhandled: () => requests.filter((r) => !r.handled),
    state,
    d1: (nameOrUuid) => d1Or404(nameOrUuid).db,
    fail: (rule) => faults.push({ ...rule, left: rule.times ?? Infinity }),
    clearFaults: () => void faults.splice(0),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const db of state.d1Databases.values()) if (db.db.isOpen) db.db.close();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
