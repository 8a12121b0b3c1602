import { html } from "../../../shared/http/html";
import { layout } from "../../../shared/pages/layout";

/** A plain page that says what happened and what to do next. */
export function messagePage(
  title: string,
  message: string,
  { csrf, next = "/" }: { csrf?: string; next?: string } = {},
) {
  return layout(
    title,
    html`<h1>${title}</h1><div class="card"><p>${message}</p><p><a href="${next}">Back to kick-edge</a></p></div>`,
    { csrf },
  );
}
