/** A time as people read it on our pages: minute precision, UTC, or "never". */
export const when = (ms: number | null) =>
  ms === null ? "never" : new Date(ms).toISOString().replace("T", " ").slice(0, 16) + " UTC";
