/**
 * Copy-ready calls for the key just made, against the automations Worker (docs/recipes.md has
 * more). The URL examples only for a key that may be sent in the URL: no example it would fail.
 */
export function examples(automationsUrl: string, key: string, inUrl: boolean) {
  const base = automationsUrl.replace(/\/$/, "");
  const all = [
    {
      tool: "curl",
      text: `curl -X POST ${base}/v1/chat -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" -d '{"message":"Hello from kick-edge"}'`,
    },
    {
      tool: "Zapier (Webhooks by Zapier, POST)",
      text: `URL: ${base}/v1/chat\nPayload Type: json\nData: message | your text\nHeaders: X-Api-Key | ${key}`,
    },
    {
      url: true,
      tool: "IFTTT (Make a web request)",
      text: `URL: ${base}/v1/chat?key=${key}\nMethod: POST\nContent Type: application/json\nBody: {"message": "your text"}`,
    },
    {
      url: true,
      tool: "Stream Deck (Website action, GET in background; key must allow GET)",
      text: `${base}/v1/announce?key=${key}`,
    },
    { url: true, tool: "Nightbot (!live)", text: `$(urlfetch ${base}/v1/status?format=text&key=${key})` },
    { tool: "Check the key", text: `curl ${base}/v1/whoami -H "X-Api-Key: ${key}"` },
  ];
  return all.filter((e) => inUrl || !("url" in e));
}
