import { isAdmin } from "./adminSession";
import type { OAuthEnv } from "./OAuthEnv";
import { loginPage } from "./pages/loginPage";
import { messagePage } from "./pages/messagePage";
import { page } from "./respond";

/**
 * Null when the request may go on; otherwise the answer that stops it. Fails closed: with no
 * ADMIN_SECRET nobody gets in. A POST must also come from our own pages (Origin check).
 */
export async function guard(request: Request, env: OAuthEnv, now: number): Promise<Response | null> {
  if (!env.ADMIN_SECRET) {
    return page(messagePage("Not set up yet", "This deployment has no ADMIN_SECRET, so nobody can sign in. Set one with: npx wrangler secret put ADMIN_SECRET --env oauth"), { status: 503 });
  }
  if (request.method === "POST") {
    const origin = request.headers.get("origin");
    if (origin !== null && origin !== new URL(request.url).origin) return page(messagePage("Refused", "That form did not come from this site."), { status: 403 });
  }
  if (await isAdmin(request, env.ADMIN_SECRET, now)) return null;
  return page(loginPage(), { status: 401 });
}
