import { readFileSync } from "node:fs";
import SwaggerParser from "@apidevtools/swagger-parser";
import { createConfig, lint } from "@redocly/openapi-core";
import { describe, expect, it } from "vitest";

// The served OpenAPI document as third-party tools read it: Postman and Insomnia import it,
// client generators build SDKs from it. (test/automations/openapi.test.ts checks that the
// served file is what the action tables generate today.)
const FILE = "functions/automations/public/openapi.json";
const document = () => JSON.parse(readFileSync(FILE, "utf8"));

describe("/openapi.json", () => {
  it("passes swagger-parser's validate()", async () => {
    await expect(SwaggerParser.validate(document())).resolves.toMatchObject({ openapi: "3.0.3" });
  });

  it("passes Redocly's lint with its recommended rules: no error, and no warning but the license", async () => {
    const problems = await lint({ ref: FILE, config: await createConfig({ extends: ["recommended"] }) });
    // The project has not chosen a license yet; the document must not claim one it does not have.
    expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} (${p.location[0]?.pointer})`)).toEqual([
      "warn info-license: Info object should contain `license` field. (#/info)",
    ]);
  });

  it("documents the GET forms a Stream Deck button uses, with their query parameters", () => {
    const paths = document().paths as Record<string, Record<string, { parameters: { name: string; in: string }[] }>>;
    const query = (path: string) => paths[path]!.get!.parameters.filter((p) => p.in === "query").map((p) => p.name);
    expect(query("/v1/announce")).toEqual(expect.arrayContaining(["message", "force", "as"]));
    expect(query("/v1/chat")).toEqual(expect.arrayContaining(["message", "as"]));
    expect(query("/v1/channel")).toEqual(expect.arrayContaining(["title", "category", "tags"]));
    expect(query("/v1/ban")).toEqual(expect.arrayContaining(["user", "reason"]));
    expect(query("/v1/timeout")).toEqual(expect.arrayContaining(["user", "minutes", "reason"]));
    expect(query("/v1/unban")).toEqual(expect.arrayContaining(["user"]));
    expect(paths["/v1/kicks/snapshot"]!.get).toBeDefined();
  });
});
