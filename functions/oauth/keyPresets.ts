import type { Capability } from "../../shared/capabilities";
import { CAPABILITY_WORDS } from "../../shared/capabilityWords";

/** Capabilities in a streamer's words: the key table, the presets, and why one was refused. */
export const labels = (can: Capability[]) => can.map((c) => CAPABILITY_WORDS[c].label).join(", ");

/**
 * The keys a streamer makes most, each with what its caller needs and no more. One table for the
 * form and for createKey, so a preset picked with JavaScript off means exactly what the page
 * said. Any other `preset` (Custom) uses the form's boxes. Capabilities the account was not
 * granted are left out when the key is made.
 */
export const PRESETS: { id: string; label: string; can: Capability[]; url?: true; get?: true }[] = [
  // Webhooks by Zapier and IFTTT's "Make a web request" both send headers (X-Api-Key) and POST,
  // so the key stays out of URLs, which their run histories keep.
  { id: "zap", label: "Zapier or IFTTT", can: ["chat", "announce", "channel"] },
  // The Website action can only open a URL, by GET.
  { id: "deck", label: "Stream Deck button", can: ["announce", "chat", "channel"], url: true, get: true },
  // An OBS Browser Source opens a URL; such a key shows the overlay and can do nothing else.
  { id: "obs", label: "OBS overlay", can: ["overlay"], url: true },
  // Nightbot's urlfetch and Fossabot's customapi GET a URL and print the answer: !live needs no
  // capability, !kicks reads the leaderboard, a mod-only !title changes the title.
  { id: "bot", label: "Chat-bot command (Nightbot, Fossabot)", can: ["kicks", "channel"], url: true, get: true },
];
