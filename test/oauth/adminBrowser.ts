import { SELF } from "cloudflare:test";
import { expect } from "vitest";
import { Browser as PlainBrowser, OAUTH } from "../helpers/browser";

/** The CSRF token of the first form on a page of ours. */
export const csrfOnPage = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? null;

/**
 * The test browser, posting our forms as a person does: from a page of ours, so each carries
 * that page's CSRF token. Before a POST to the Worker it opens `/` (the sign-in form for a
 * stranger, the dashboard once signed in) and takes the token from there, unless the fields
 * already have one.
 */
export class Browser extends PlainBrowser {
  /** A browser whose requests come from `ip` (as Cloudflare's `cf-connecting-ip` says). */
  static at(ip: string, handler: (request: Request) => Promise<Response> = (r) => SELF.fetch(r)) {
    return new Browser((request) => {
      request.headers.set("cf-connecting-ip", ip);
      return handler(request);
    });
  }

  /**
   * A GET as a browser makes it: a 303 from our Worker is followed (the callback lands on the
   * account page that way). `follow: false` shows the hop itself.
   */
  override async get(url: string, { follow = true } = {}): Promise<Response> {
    const response = await super.get(url);
    const next = response.headers.get("location");
    if (!follow || response.status !== 303 || !next || new URL(next, url).origin !== OAUTH) return response;
    return this.get(new URL(next, url).toString());
  }

  /** Where a browser lands after this answer to a POST: its redirect, followed. */
  async landed(response: Response): Promise<Response> {
    expect(response.status, await response.clone().text()).toBe(303);
    return this.get(new URL(response.headers.get("location")!, OAUTH).toString());
  }

  override async post(url: string, fields: [string, string][] | Record<string, string>, origin = OAUTH) {
    const list = Array.isArray(fields) ? [...fields] : Object.entries(fields);
    if (new URL(url).origin === OAUTH && !list.some(([name]) => name === "csrf")) {
      const token = csrfOnPage(await (await this.get(`${OAUTH}/`)).text());
      if (token) list.push(["csrf", token]);
    }
    return super.post(url, list, origin);
  }

  /**
   * Press "Connect a bot account" on a broadcaster's page (the form as the page has it), then, on
   * Kick's consent page, sign in as `userId` and approve: returns Kick's redirect back.
   */
  async connectBotThroughKick(broadcasterId: number, userId: number) {
    const page = await (await this.get(`${OAUTH}/accounts/${broadcasterId}`)).text();
    const form = formsOf(page).find((f) => f.includes('id="connect-bot"'));
    if (!form) throw new Error(`no bot connect form on the page of ${broadcasterId}`);
    return this.approvedOnKick(hiddenFields(form), userId);
  }

  /**
   * Post these fields of a connect form of ours (the bot's, a Re-connect button's), then, on
   * Kick's consent page, sign in as `userId` and approve: returns Kick's redirect back.
   */
  async approvedOnKick(fields: [string, string][], userId: number) {
    const started = await this.post(`${OAUTH}/connect`, fields);
    if (started.status !== 303) throw new Error(`connect: ${started.status} ${await started.text()}`);
    const authorizeUrl = started.headers.get("location")!;
    const consent = await this.get(authorizeUrl);
    const decided = await this.post(
      new URL("/oauth/authorize", authorizeUrl).toString(),
      [...hiddenFields(await consent.text()), ["decision", "approve"], ["user_id", String(userId)]],
      new URL(authorizeUrl).origin,
    );
    return { authorizeUrl, callbackUrl: decided.headers.get("location")! };
  }

  /** The session cookie as a `cookie` header, to replay it from elsewhere (a copied cookie). */
  sessionCookie(): string {
    return `kick_edge_admin=${this.cookie("kick_edge_admin")}`;
  }
}

export { keyOnPage, kickControl, OAUTH, PASSPHRASE } from "../helpers/browser";

/** The Kick settings the oauth Worker runs with in these tests: the emulator, as the emulated app. */
export const EMULATOR_KICK = {
  idBase: "http://kick.test",
  apiBase: "http://kick.test",
  clientId: "emulator-client",
  clientSecret: "emulator-secret",
};

/** The forms of a page, each from its <form> tag to its end. */
export const formsOf = (html: string) => [...html.matchAll(/<form[\s\S]*?<\/form>/g)].map((m) => m[0]);

/** The hidden fields of a form (or page), decoded, in order. */
export const hiddenFields = (html: string): [string, string][] =>
  [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
    decode(m[1]!),
    decode(m[2]!),
  ]);
const decode = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
