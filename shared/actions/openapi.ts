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

/**
 * The trigger API as an OpenAPI 3.0 document, generated from the same action table and zod
 * schemas that route and validate the calls, so Postman and Insomnia see exactly what runs.
 * `npm run openapi` writes it to public/openapi.json, served as a static asset (servers: this origin).
 */
export function openApiDocument(actions: Action[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const action of actions) {
    const schema = inputSchema(action);
    const { keys: inPath, openApi: path } = pathTemplate(action.path);
    const fields = Object.entries(schema.properties ?? {}).filter(([name]) => !inPath.includes(name));
    const parameters = [
      ...inPath.map((name) => ({
        name,
        in: "path",
        required: true,
        schema: schema.properties?.[name] ?? { type: "string" },
      })),
      ...(action.method === "GET" || action.method === "DELETE"
        ? fields.map(([name, s]) => ({
            name,
            in: "query",
            required: schema.required?.includes(name) ?? false,
            schema: s,
          }))
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
    const body = {
      type: "object",
      properties: Object.fromEntries(fields),
      ...(schema.required?.length ? { required: schema.required.filter((r) => !inPath.includes(r)) } : {}),
    };
    const operation = {
      operationId: action.name,
      summary: action.summary,
      description: action.capability
        ? `Needs a key with the "${action.capability}" capability (${CAPABILITY_WORDS[action.capability].label}).`
        : "Any valid key.",
      parameters,
      ...(action.method === "POST" || action.method === "PATCH"
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
        default: {
          description: "Refused or failed; `error.code` says why",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        },
      },
    };
    paths[path] ??= {};
    paths[path]![action.method.toLowerCase()] = operation;
  }
  return {
    openapi: "3.0.3",
    info: {
      title: "kick-edge trigger API",
      version: "1",
      description:
        "Automate a Kick channel from Zapier, IFTTT, Stream Deck, chat bots and cron. Keys come from the connect page.",
    },
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
