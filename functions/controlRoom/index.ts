import { WorkerEntrypoint } from "cloudflare:workers";
import { Router } from "itty-router/Router";
import { html } from "../../shared/http/html";
import { CONTROL_ROOM_HEADERS, type Flash } from "../../shared/pages/controlRoom";
import { layout } from "../../shared/pages/layout";
import { page } from "../../shared/pages/respond";
import { accounts } from "../../shared/storage/accountsStore";
import { logError } from "../../shared/log";
import type { ControlRoomEnv } from "./settings";
import type { Room } from "./frame";
import { ACTIVITY_ROUTES } from "./activityPage";
import { ALERT_ROUTES } from "./alertsPage";
import { ANNOUNCE_ROUTES } from "./announcePage";
import { RELAY_ROUTES } from "./relaysPage";
import { REPLY_ROUTES } from "./repliesPage";
import { TIMER_ROUTES } from "./timersPage";

/** One control-room page or form: a method, a path under the account, and what answers it. */
export type RoomRoute = [
  method: "GET" | "POST",
  path: string,
  handler: (room: Room, request: Request) => Promise<Response>,
];

const ROUTES: RoomRoute[] = [
  ...ANNOUNCE_ROUTES,
  ...REPLY_ROUTES,
  ...TIMER_ROUTES,
  ...RELAY_ROUTES,
  ...ALERT_ROUTES,
  ...ACTIVITY_ROUTES,
];

type RoutedRequest = Request & { params: Record<string, string> };
const router = Router<RoutedRequest, [Omit<Room, "params" | "url">]>();
for (const [method, path, handler] of ROUTES)
  router[method === "GET" ? "get" : "post"](`/accounts/:id${path}`, (request, base) =>
    handler({ ...base, params: request.params, url: new URL(request.url) }, request),
  );

const plainPage = (title: string, text: string, csrf: string, status: number) =>
  page(layout(title, html`<h1>${title}</h1><p class="card">${text}</p>`, { csrf }), { status });

/**
 * The control room, a Worker of its own (the set-up pages outgrew the rules Worker's budget): an account's set-up pages (go-live announcement, event replies, timers,
 * relays) and its activity. Only the oauth Worker reaches it, through a service binding, after
 * signing the browser in and checking the form's CSRF token (shared/pages/controlRoom.ts).
 */
export class ControlRoom extends WorkerEntrypoint<ControlRoomEnv> {
  override async fetch(request: Request): Promise<Response> {
    const csrf = request.headers.get(CONTROL_ROOM_HEADERS.csrf) ?? "";
    try {
      const account = await accounts.get(this.env.DB, Number(request.headers.get(CONTROL_ROOM_HEADERS.account)));
      if (!account) return await plainPage("No such account", "That account is not connected here.", csrf, 404);
      if (account.role === "bot")
        return await plainPage(
          "A bot has no set-up of its own",
          "A bot speaks in the channel it chats for: set up what it says on that channel's pages.",
          csrf,
          404,
        );
      const flash = JSON.parse(decodeURIComponent(request.headers.get(CONTROL_ROOM_HEADERS.flash) ?? "{}")) as Flash;
      const answer = await router.fetch(request as RoutedRequest, {
        env: this.env,
        account,
        csrf,
        flash,
        now: Date.now(),
      });
      return answer ?? (await plainPage("Not found", "There is no such page.", csrf, 404));
    } catch (error) {
      // Never echo the error: a page is no place for what went wrong inside.
      logError("control_room_error", error);
      return plainPage(
        "Something went wrong",
        "kick-edge hit an unexpected error. Try again; if it keeps happening, the control room Worker's logs say which step failed.",
        csrf,
        500,
      );
    }
  }
}

/** Nothing on the internet reaches this Worker (no route, no workers.dev URL); its default entry answers nobody. */
export default {
  fetch: () => new Response("Not found", { status: 404 }),
} satisfies ExportedHandler<ControlRoomEnv>;
