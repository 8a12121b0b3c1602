import { SELF } from "cloudflare:test";

export const OAUTH = "http://127.0.0.1:8787";
export const PASSPHRASE = "correct horse battery staple";

/**
 * A little browser for the Worker under test: keeps cookies per origin, sends Origin on
 * POSTs, does not follow redirects (tests look at each hop). Requests to our Worker go to
 * SELF; anything else (Kick's consent page) goes out through fetch, which reaches the emulator.
 */
export class Browser {
  private jar = new Map<string, string>();

  constructor(private readonly handler: (request: Request) => Promise<Response> = (r) => SELF.fetch(r)) {}

  async get(url: string): Promise<Response> {
    return this.send(new Request(url, { redirect: "manual" }));
  }

  async post(url: string, fields: [string, string][] | Record<string, string>, origin = OAUTH): Promise<Response> {
    const body = new URLSearchParams(Array.isArray(fields) ? fields : Object.entries(fields));
    return this.send(
      new Request(url, {
        method: "POST",
        body,
        redirect: "manual",
        headers: { origin, "content-type": "application/x-www-form-urlencoded" },
      }),
    );
  }

  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  forget(name: string) {
    this.jar.delete(name);
  }

  private async send(request: Request): Promise<Response> {
    const ours = new URL(request.url).origin === OAUTH;
    if (ours && this.jar.size) request.headers.set("cookie", [...this.jar].map(([k, v]) => `${k}=${v}`).join("; "));
    const response = ours ? await this.handler(request) : await fetch(request);
    if (ours) {
      for (const line of response.headers.getSetCookie()) {
        const [pair, ...attrs] = line.split(";");
        const [name, value] = [pair!.slice(0, pair!.indexOf("=")), pair!.slice(pair!.indexOf("=") + 1)];
        if (attrs.some((a) => a.trim().toLowerCase() === "max-age=0")) this.jar.delete(name);
        else this.jar.set(name, value);
      }
    }
    return response;
  }

  async login(passphrase = PASSPHRASE) {
    return this.post(`${OAUTH}/login`, { passphrase });
  }

  /** Sign in, press Connect, approve (or deny) on Kick's consent page: returns Kick's redirect back. */
  async connectThroughKick(
    options: { role?: string; capabilities?: string[]; decision?: "approve" | "deny"; userId?: number } = {},
  ) {
    const started = await this.post(`${OAUTH}/connect`, [
      ["role", options.role ?? "broadcaster"],
      ...(options.capabilities ?? ["announce", "chat", "channel", "moderation", "rewards", "kicks"]).map(
        (c): [string, string] => ["capability", c],
      ),
    ]);
    if (started.status !== 303) throw new Error(`connect: ${started.status} ${await started.text()}`);
    const authorizeUrl = started.headers.get("location")!;
    const consent = await this.get(authorizeUrl);
    if (consent.status !== 200) return { authorizeUrl, consent, callbackUrl: null };
    const html = await consent.text();
    const form: [string, string][] = [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(
      (m) => [decode(m[1]!), decode(m[2]!)],
    );
    form.push(["decision", options.decision ?? "approve"]);
    if (options.userId) form.push(["user_id", String(options.userId)]);
    const decided = await this.post(
      new URL("/oauth/authorize", authorizeUrl).toString(),
      form,
      new URL(authorizeUrl).origin,
    );
    return { authorizeUrl, consent, callbackUrl: decided.headers.get("location") };
  }
}

const decode = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));

/** The text of the one-time key input on a page, if any. */
export const keyOnPage = (html: string) => /id="key" type="text" readonly value="([^"]+)"/.exec(html)?.[1] ?? null;

export async function kickControl<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`http://kick.test/_emulator${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}
