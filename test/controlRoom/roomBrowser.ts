import { env } from "cloudflare:test";
import { CONNECT_CAPABILITIES } from "../../shared/capabilities";
import { resetWorkerState } from "../helpers/resetWorkerState";
import { Browser, formsOf, hiddenFields, kickControl, OAUTH } from "../oauth/adminBrowser";

export const E = env as unknown as Cloudflare.OauthEnv;

/** The demo broadcaster the emulator connects as (Kick user 1001). */
export const CHANNEL = 1001;

/** A signed-in browser with demo_streamer connected, on a fresh emulator and empty storage. */
export async function signedInWithChannel(): Promise<Browser> {
  await kickControl("POST", "/reset");
  await resetWorkerState(E);
  const browser = new Browser();
  await browser.login();
  // Every capability, as the connect page ticks them by default (events included, for relays and replies).
  const { callbackUrl } = await browser.connectThroughKick({ capabilities: [...CONNECT_CAPABILITIES] });
  await browser.get(callbackUrl!);
  return browser;
}

/** A page of this channel's, as its HTML. */
export const roomPage = async (browser: Browser, path: string) =>
  (await browser.get(`${OAUTH}/accounts/${CHANNEL}${path}`)).text();

/**
 * Submits the form on `page` that contains `marker`, as a person would: its hidden fields (the
 * CSRF token among them) plus `fields`, to the form's own action.
 */
export async function submit(browser: Browser, page: string, marker: string, fields: [string, string][]) {
  const form = formsOf(page).find((f) => f.includes(marker));
  if (!form) throw new Error(`no form with ${marker} on the page`);
  const action = /action="([^"]+)"/.exec(form)![1]!.replace(/&amp;/g, "&");
  return browser.post(new URL(action, `${OAUTH}/accounts/${CHANNEL}/`).toString(), [...hiddenFields(form), ...fields]);
}

export { Browser, OAUTH };
