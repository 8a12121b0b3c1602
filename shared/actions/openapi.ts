import * as z from "zod/mini";
import { CAPABILITY_WORDS } from "../capabilityWords";
import { pathTemplate } from "../http/pathTemplate";
import type { Action } from "./Action";

type JsonSchema = { type?: string; properties?: Record<string, unknown>; required?: string[] } & Record<
  string,
  unknown
>;

/** An action's input as JSON Schema (what callers send; checks zod cannot express are left out). */
const inputSchema = (action: Action) =>
  z.toJSONSchema(action.input, { target: "openapi-3.0", io: "input", unrepresentable: "any" }) as JsonSchema;

const errorShape = {
  type: "object",
  properties: {
    ok: { type: "boolean", enum: [false] },
    error: {
      type: "object",
      properties: { code: { type: "string" }, message: { type: "string" }, details: {} },
      required: ["code", "message"],
    },
  },
  required: ["ok", "error"],
};

const refused = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

/**
 * The trigger API as an OpenAPI 3.0 document, generated from the same action table and zod
 * schemas that route and validate the calls, so Postman and Insomnia see exactly what runs.
 * `npm run openapi` writes it to public/openapi.json, served as a static asset (servers: this origin).
 * An action a Stream Deck button may fire with a plain GET (`allowGet`) is listed twice: as its
 * own method with a body, and as a GET with the same fields as query parameters.
 */
export function openApiDocument(actions: Action[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  const taken = new Set(actions.map((a) => `${a.method} ${a.path}`));
  const forms = actions.flatMap((action) =>
    action.allowGet && action.method !== "GET" && !taken.has(`GET ${action.path}`)
      ? [{ action, method: "GET" as const }]
      : [],
  );
  for (const { action, method } of [...actions.map((action) => ({ action, method: action.method })), ...forms]) {
    const viaGet = method !== action.method;
    const schema = inputSchema(action);
    const { keys: inPath, openApi: path } = pathTemplate(action.path);
    const fields = Object.entries(schema.properties ?? {}).filter(([name]) => !inPath.includes(name));
    const required = (schema.required ?? []).filter((r) => !inPath.includes(r));
    const parameters = [
      ...inPath.map((name) => ({
        name,
        in: "path",
        required: true,
        schema: schema.properties?.[name] ?? { type: "string" },
      })),
      ...(method === "GET" || method === "DELETE"
        ? fields.map(([name, s]) => ({ name, in: "query", required: required.includes(name), schema: s }))
        : []),
      {
        name: "format",
        in: "query",
        required: false,
        schema: { type: "string", enum: ["text"] },
        description: "text: a one-line plain-text answer (chat bots)",
      },
      ...(action.mutating
        ? [
            {
              name: "Idempotency-Key",
              in: "header",
              required: false,
              schema: { type: "string" },
              description: "A replay within 24 h returns the first answer and does nothing",
            },
          ]
        : []),
    ];
    // An empty `required` is invalid in OpenAPI 3.0 (swagger-parser refuses the whole document).
    const body = { type: "object", properties: Object.fromEntries(fields), ...(required.length ? { required } : {}) };
    const needs = action.capability
      ? `Needs a key with the "${action.capability}" capability (${CAPABILITY_WORDS[action.capability].label}).`
      : "Any valid key.";
    const operation = {
      operationId: viaGet ? `${action.name}ViaGet` : action.name,
      summary: viaGet ? `${action.summary} (GET form, for Stream Deck)` : action.summary,
      description: viaGet
        ? `${needs} The key must allow GET (made with "Allow plain GET requests"), and usually travels as ?key=. The same as ${action.method} ${action.path}, with the fields as query parameters.`
        : needs,
      parameters,
      ...(method === "POST" || method === "PATCH"
        ? {
            requestBody: {
              required: false,
              content: { "application/json": { schema: body }, "application/x-www-form-urlencoded": { schema: body } },
            },
          }
        : {}),
      responses: {
        "200": {
          description: "Done",
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: {
                  ok: { type: "boolean", enum: [true] },
                  channel: { type: "string", description: "The Kick channel the action went to (as=bot too)" },
                  data: {},
                },
                required: ["ok", "channel", "data"],
              },
            },
          },
        },
        "4XX": refused("Refused (bad input, key, capability, limit); `error.code` says why and nothing was done"),
        "5XX": refused("Failed (Kick unreachable or unwell, or ours); `error.code` says why"),
      },
    };
    paths[path] ??= {};
    paths[path]![method.toLowerCase()] = operation;
  }
  return {
    openapi: "3.0.3",
    info: {
      title: "kick-edge trigger API",
      version: "1",
      description:
        "Automate a Kick channel from Zapier, IFTTT, Stream Deck, chat bots and cron. Keys come from the connect page.",
    },
    // Relative: the document is served by the automations Worker it describes, whatever its URL.
    servers: [{ url: "/", description: "This deployment's automations Worker" }],
    security: [{ bearer: [] }, { apiKeyHeader: [] }, { apiKeyQuery: [] }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer" },
        apiKeyHeader: { type: "apiKey", in: "header", name: "X-Api-Key" },
        apiKeyQuery: { type: "apiKey", in: "query", name: "key" },
      },
      schemas: { Error: errorShape },
    },
    paths,
  };
}
