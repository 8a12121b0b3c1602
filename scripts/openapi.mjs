#!/usr/bin/env node
// npm run openapi: writes functions/automations/public/openapi.json from the action tables (the
// automations Worker's, and the rules Worker's it forwards to: one URL for callers) and their
// zod schemas. Generated ahead of time so the Worker does not carry zod's JSON Schema code
// (it would push it past its 32 KiB budget); a test fails when the file is out of date.
import { build } from "esbuild";
import { writeFileSync } from "node:fs";

const bundled = await build({
  stdin: {
    contents:
      'import { ACTIONS } from "./functions/automations/actions/index"; import { RULES_ACTIONS } from "./functions/rules/actions/index"; import { openApiDocument } from "./shared/actions/openapi"; export default openApiDocument([...ACTIONS, ...RULES_ACTIONS]);',
    resolveDir: process.cwd(),
    loader: "ts",
  },
  bundle: true,
  format: "esm",
  platform: "neutral",
  write: false,
  logLevel: "error",
});
const module = await import(
  `data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString("base64")}`
);
writeFileSync("functions/automations/public/openapi.json", JSON.stringify(module.default, null, 2) + "\n");
console.log("wrote functions/automations/public/openapi.json");
