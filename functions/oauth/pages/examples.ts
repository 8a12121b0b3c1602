/** Copy-ready calls for the key just made, against the automations Worker. */
export function examples(automationsUrl: string, key: string) {
  const base = automationsUrl.replace(/\/$/, "");
  return [
    { tool: "curl", text: `curl -H "Authorization: Bearer ${key}" ${base}/v1/whoami` },
    { tool: "Zapier (Webhooks by Zapier, GET)", text: `URL: ${base}/v1/whoami\nHeaders: X-Api-Key | ${key}` },
    { tool: "IFTTT (Make a web request)", text: `URL: ${base}/v1/whoami?key=${key}\nMethod: GET` },
    { tool: "Stream Deck (Website action, \"GET request in background\")", text: `${base}/v1/whoami?key=${key}` },
  ];
}
