import type { TestProject } from "vitest/node";
import { wranglerDev } from "./wranglerDev";

/** Ports apart from `npm start`'s (8787-8791), so the tests run while a dev suite is up. */
export const E2E_EMULATOR_PORT = 18791;

declare module "vitest" {
  export interface ProvidedContext {
    emulatorUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const emulator = await wranglerDev("kick-emulator", E2E_EMULATOR_PORT);
  project.provide("emulatorUrl", emulator.url);
  return () => emulator.stop();
}
