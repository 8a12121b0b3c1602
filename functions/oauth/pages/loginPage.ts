import { html } from "../../../shared/http/html";
import { csrfField, layout } from "../../../shared/pages/layout";

/** The sign-in form; `csrf` is its pre-session token (adminSession.ts, `loginToken`). */
export function loginPage(csrf: string, error?: string) {
  return layout(
    "Sign in",
    html`<h1>Sign in</h1>
<div class="card"><p>This page connects Kick accounts to this kick-edge deployment. Only its owner can use it.</p>
${error ? html`<p class="bad" role="alert">${error}</p>` : ""}
<form method="post" action="/login">${csrfField(csrf)}<label>Admin passphrase <input type="password" name="passphrase" autocomplete="current-password" required autofocus></label>
<p><button id="login">Sign in</button></p></form></div>`,
  );
}
