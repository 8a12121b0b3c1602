import type { EmulatorState } from "./state";

/** What every emulator handler gets: the state to read and change, and the emulated clock. */
export interface Ctx {
  state: EmulatorState;
  /** Emulated now in ms (the real clock plus the control API's offset). */
  now: number;
  request: Request;
  url: URL;
  /** The Durable Object's synchronous storage, where the large collections live. */
  storage: SyncKvStorage;
}

export const isoAt = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
