import { SELF } from "cloudflare:test";
import { expect, it } from "vitest";
import { openApiDocument } from "../../shared/actions/openapi";
import { API_ACTIONS as ACTIONS } from "../helpers/automationsSetup";

it("describes every endpoint in OpenAPI 3.0, from the schemas that validate them", async () => {
  const response = await SELF.fetch("http://127.0.0.1:8788/openapi.json");
  expect(response.status).toBe(200);
  const doc = await response.json<{
    openapi: string;
    paths: Record<
      string,
      Record<
        string,
        {
          operationId: string;
          requestBody?: {
            content: Record<
              string,
              {
                schema: {
                  properties: Record<string, { maxLength?: number; minimum?: number; maximum?: number }>;
                  required?: string[];
                };
              }
            >;
          };
          parameters: { name: string; in: string }[];
        }
      >
    >;
  }>();
  expect(doc.openapi).toBe("3.0.3");
  // The served file is what the schemas generate today (else: npm run openapi).
  expect(doc).toEqual(JSON.parse(JSON.stringify(openApiDocument(ACTIONS))));
  const operations = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
  // Each action once, and a Stream Deck GET form of each that may be fired by a plain GET.
  expect(operations.sort()).toEqual(
    [...ACTIONS.map((a) => a.name), ...ACTIONS.filter((a) => a.allowGet).map((a) => `${a.name}ViaGet`)].sort(),
  );
  const timeout = doc.paths["/v1/timeout"]!.post!;
  const body = timeout.requestBody!.content["application/json"]!.schema;
  expect(body.properties.minutes).toMatchObject({ minimum: 1, maximum: 10080 });
  expect(body.required).toContain("minutes");
  expect(timeout.parameters.map((p) => p.name)).toContain("Idempotency-Key");
  expect(doc.paths["/v1/chat/{message_id}"]!.delete!.parameters).toContainEqual(
    expect.objectContaining({ name: "message_id", in: "path" }),
  );
});
