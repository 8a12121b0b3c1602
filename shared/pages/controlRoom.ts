/**
 * What the oauth Worker and the control room (the control room Worker's `ControlRoom` entrypoint)
 * agree on. The oauth Worker owns the browser: sign-in, the session, CSRF, and the sealed
 * one-time cookie. It forwards an account's set-up and activity pages only after those checks,
 * through a service binding that nothing on the internet can reach, so the control room trusts
 * these headers and checks nothing of the browser's itself.
 */
export const CONTROL_ROOM_HEADERS = {
  /** The Kick user id of the account whose page this is (withAccount found it connected). */
  account: "x-control-room-account",
  /** The session's CSRF token, for the forms the page carries. */
  csrf: "x-control-room-csrf",
  /** `Flash` as URI-encoded JSON (headers are ASCII): on a GET, what the POST before it did; on a 303 answer, what to carry to the next GET. */
  flash: "x-control-room-flash",
} as const;

/** A line at the top of the page: what just happened (`ok`), or what went short of it. */
export interface Notice {
  text: string;
  ok?: boolean;
}

/** A new automation key, shown once on the account page. */
export interface NewKey {
  key: string;
  name: string;
  /** May be sent in the URL: its examples may show it there. */
  inUrl: boolean;
}

/** A secret the control room shows once (a relay's signing secret), with what it is for. */
export interface ShownSecret {
  label: string;
  value: string;
  note: string;
}

/** What a POST (or Kick's redirect back) did, for the page the browser GETs next. */
export interface Flash {
  notice?: Notice;
  newKey?: NewKey;
  secret?: ShownSecret;
}
