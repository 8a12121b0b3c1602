import * as z from "zod/mini";
import { deriveHmacKey, hmacBase64url, sha256Hex, timingSafeEqualText } from "../../shared/crypto";
import { base64ToBytes, randomToken } from "../../shared/encoding";
import { cookieName, isSecureRequest, readCookies, setCookie } from "../../shared/http/cookies";
import type { OAuthEnv } from "./settings";

/**
 * Twenty characters: a passphrase past guessing even at the throttle's overall rate, whoever
 * chose it. `npm run deploy` generates 32, `npm start` a dev one of 28.
 */
export const MIN_PASSPHRASE_LENGTH = 20;
const PASSPHRASE = z.string().check(z.minLength(MIN_PASSPHRASE_LENGTH));

/**
 * A session ends 30 minutes after its last recorded use, and 12 hours after sign-in whatever
 * happens. Use is recorded at most every 5 minutes, so most page views cost one D1 read and no
 * write (and a session may end up to 5 minutes before the full 30 idle minutes).
 */
export const SESSION_POLICY = { idleMs: 30 * 60_000, lifetimeMs: 12 * 3600_000, touchEveryMs: 5 * 60_000 } as const;

const SESSION_COOKIE = "kick_edge_admin";
const LOGIN_COOKIE = "kick_edge_login";
const KEY_INFO = "kick-edge admin session v1";

/** Nobody can sign in: the passphrase is unset or too short, or the key that salts it is unusable. */
export class AdminSecretError extends Error {
  override name = "AdminSecretError";
  constructor(readonly code: "admin_secret_missing" | "admin_secret_too_short" | "encryption_key_unusable") {
    // The code only: the message must never carry the secret or a hint of it.
    super(code);
  }
}

let derived: { spec: string; key: Promise<CryptoKey> } | undefined;

/**
 * The key that signs session cookies and CSRF tokens and names the throttle's buckets: HKDF of
 * ADMIN_SECRET salted with TOKEN_ENCRYPTION_KEY's 32 random bytes. A stolen cookie is then no
 * oracle for guessing the passphrase offline (each guess needs the salt, which never leaves the
 * Worker). A new ADMIN_SECRET is a new key: every cookie and throttle bucket of the old one lapses.
 */
function adminKey(env: OAuthEnv): Promise<CryptoKey> {
  const secret = env.ADMIN_SECRET ?? "";
  if (!secret) throw new AdminSecretError("admin_secret_missing");
  if (!PASSPHRASE.safeParse(secret).success) throw new AdminSecretError("admin_secret_too_short");
  const spec = `${secret}\u0000${env.TOKEN_ENCRYPTION_KEY ?? ""}`;
  if (derived?.spec !== spec) {
    let salt: Uint8Array;
    try {
      salt = base64ToBytes(env.TOKEN_ENCRYPTION_KEY ?? "");
    } catch {
      throw new AdminSecretError("encryption_key_unusable");
    }
    // Fail closed: an empty or short salt would make the cookie a guessing oracle again.
    if (salt.byteLength !== 32) throw new AdminSecretError("encryption_key_unusable");
    derived = { spec, key: deriveHmacKey(secret, salt, KEY_INFO) };
  }
  return derived.key;
}

/** Throws AdminSecretError when nobody could sign in, so a route can refuse before it does anything. */
export async function requireAdminSecret(env: OAuthEnv): Promise<void> {
  await adminKey(env);
}

const sign = async (env: OAuthEnv, purpose: string, message: string) =>
  hmacBase64url(await adminKey(env), `${purpose}\u0000${message}`);

/** Whether `guess` is the passphrase. Both sides are MACed first: equal lengths, so the time says nothing. */
export async function isPassphrase(env: OAuthEnv, guess: string): Promise<boolean> {
  return timingSafeEqualText(await sign(env, "passphrase", guess), await sign(env, "passphrase", env.ADMIN_SECRET!));
}

/** Names the throttle's buckets, so a rotated secret starts them afresh (the locked-out owner's way in). */
export const throttleTag = async (env: OAuthEnv) => (await sign(env, "throttle", "")).slice(0, 16);

/** A signed-in browser: which row is its session, and the token its forms must carry. */
export interface AdminSession {
  idHash: string;
  csrf: string;
}

const secureCookie = (request: Request) => ({ secure: isSecureRequest(request) });
const cookieOf = (request: Request, name: string) =>
  readCookies(request).get(cookieName(name, isSecureRequest(request)));

/** Signs this browser in: a new session row, and the Set-Cookie naming it. */
export async function startSession(request: Request, env: OAuthEnv, now: number): Promise<string> {
  const id = randomToken(32);
  await env.DB.batch([
    // Sign-ins are rare and throttled, so ended sessions are swept here rather than by a cron.
    env.DB.prepare("DELETE FROM admin_sessions WHERE last_seen_at < ? OR created_at < ?").bind(
      now - SESSION_POLICY.idleMs,
      now - SESSION_POLICY.lifetimeMs,
    ),
    env.DB.prepare("INSERT INTO admin_sessions (id_hash, created_at, last_seen_at) VALUES (?, ?, ?)").bind(
      await sha256Hex(id),
      now,
      now,
    ),
  ]);
  return setCookie(SESSION_COOKIE, `${id}.${await sign(env, "session", id)}`, {
    maxAge: SESSION_POLICY.lifetimeMs / 1000,
    ...secureCookie(request),
  });
}

/** This browser's live session, or null when it has none, or it ended, idled out or grew too old. */
export async function currentSession(request: Request, env: OAuthEnv, now: number): Promise<AdminSession | null> {
  const [id, mac, ...rest] = (cookieOf(request, SESSION_COOKIE) ?? "").split(".");
  // A forged cookie, or one signed under another secret, is refused before D1 is asked.
  if (!id || !mac || rest.length || !timingSafeEqualText(mac, await sign(env, "session", id))) return null;
  const idHash = await sha256Hex(id);
  const row = await env.DB.prepare("SELECT created_at, last_seen_at FROM admin_sessions WHERE id_hash = ?")
    .bind(idHash)
    .first<{ created_at: number; last_seen_at: number }>();
  if (!row || now - row.last_seen_at > SESSION_POLICY.idleMs || now - row.created_at > SESSION_POLICY.lifetimeMs)
    return null;
  if (now - row.last_seen_at >= SESSION_POLICY.touchEveryMs)
    await env.DB.prepare("UPDATE admin_sessions SET last_seen_at = ? WHERE id_hash = ?").bind(now, idHash).run();
  return { idHash, csrf: await sign(env, "csrf", id) };
}

/** Whether the request holds a session cookie at all (a refused one is then cleared). */
export const hasSessionCookie = (request: Request) => cookieOf(request, SESSION_COOKIE) !== undefined;

export const clearSessionCookie = (request: Request) =>
  setCookie(SESSION_COOKIE, "", { maxAge: 0, ...secureCookie(request) });

/** Sign out: this session's row goes, so a copy of its cookie stops working too. */
export async function endSession(env: OAuthEnv, session: AdminSession): Promise<void> {
  await env.DB.prepare("DELETE FROM admin_sessions WHERE id_hash = ?").bind(session.idHash).run();
}

/** Sign out everywhere: every browser, this one included. */
export async function endEverySession(env: OAuthEnv): Promise<void> {
  await env.DB.prepare("DELETE FROM admin_sessions").run();
}

/**
 * Whether a posted form carries its session's CSRF token (synchronizer pattern: an HMAC of the
 * session id, so it needs no storage and dies with the session).
 */
export function csrfMatches(session: AdminSession, form: FormData | null): boolean {
  const token = form?.get("csrf");
  return typeof token === "string" && timingSafeEqualText(token, session.csrf);
}

/**
 * The sign-in form's token, before any session exists (double submit): a random nonce in a
 * cookie and, in the form, its HMAC under the admin key, so a site able to plant cookies (a
 * sibling subdomain, plain http) still cannot forge the pair. Without it another site could post
 * guesses through the owner's browser: spending the owner's throttle budget (a lock-out) and
 * spreading guesses over its victims' addresses. Logging the owner into an attacker's session is
 * no risk here (there is only the owner's). An existing nonce is kept, so two open tabs both work.
 */
export async function loginToken(request: Request, env: OAuthEnv): Promise<{ token: string; cookie?: string }> {
  const current = cookieOf(request, LOGIN_COOKIE);
  const nonce = current && /^[\w-]{22}$/.test(current) ? current : randomToken(16);
  const token = await sign(env, "login", nonce);
  if (nonce === current) return { token };
  return { token, cookie: setCookie(LOGIN_COOKIE, nonce, { maxAge: 86_400, ...secureCookie(request) }) };
}

export async function loginTokenMatches(request: Request, env: OAuthEnv, form: FormData | null): Promise<boolean> {
  const nonce = cookieOf(request, LOGIN_COOKIE);
  const token = form?.get("csrf");
  return !!nonce && typeof token === "string" && timingSafeEqualText(token, await sign(env, "login", nonce));
}
