import type { Capability } from "../../../shared/capabilities";
import type { AutomationKeyInfo } from "../../../shared/storage/accountsStore";

/**
 * Copy-ready calls for the key just made, against the automations Worker (docs/recipes.md has
 * more), and only those it can run: each names the capability it needs ("": status and whoami,
 * which any key but an overlay key may call), whether the key goes in the URL, and whether it
 * acts on a plain GET.
 */
export function examples(automationsUrl: string, key: string, k: AutomationKeyInfo) {
  const b = automationsUrl.replace(/\/$/, "");
  const all: [tool: string, text: string, can?: Capability | "", url?: 1, get?: 1][] = [
    ["OBS Browser Source URL", `${b}/overlay/leaderboard?key=${key}&period=week&count=5`, "overlay", 1],
    [
      "Stream Deck: announce (Website action, GET request in background)",
      `${b}/v1/announce?key=${key}`,
      "announce",
      1,
      1,
    ],
    ["Stream Deck: a chat line (the same)", `${b}/v1/chat?key=${key}&message=Back%20in%205`, "chat", 1, 1],
    ["Nightbot (!live)", `$(urlfetch ${b}/v1/status?format=text&key=${key})`, "", 1],
    ["Nightbot (!kicks)", `$(urlfetch ${b}/v1/kicks/leaderboard?format=text&top=3&key=${key})`, "kicks", 1],
    [
      "Nightbot (!title, mod-only)",
      `$(urlfetch ${b}/v1/channel?format=text&key=${key}&title=$(querystring))`,
      "channel",
      1,
      1,
    ],
    [
      "Zapier (Webhooks by Zapier, POST)",
      `URL: ${b}/v1/chat\nPayload Type: json\nData: message | your text\nHeaders: X-Api-Key | ${key}`,
      "chat",
    ],
    [
      "IFTTT (Make a web request)",
      `URL: ${b}/v1/chat\nMethod: POST\nContent Type: application/json\nAdditional Headers: X-Api-Key: ${key}\nBody: {"message": "your text"}`,
      "chat",
    ],
    ["Check the key (curl)", `curl ${b}/v1/whoami -H "Authorization: Bearer ${key}"`],
  ];
  const can = (c?: Capability | "") => (c ? k.capabilities.includes(c) : !k.capabilities.includes("overlay"));
  return all.filter(([, , c, url, get]) => can(c) && (!url || k.allowUrl) && (!get || k.allowGet));
}
