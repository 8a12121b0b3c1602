import { SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { control, KICK, resetEmulator } from "../helpers/emulator";

describe("emulator basics", () => {
  beforeEach(resetEmulator);

  it("serves a home page and the control index", async () => {
    const home = await SELF.fetch(`${KICK}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Kick emulator");
    const index = await control<{ routes: string[] }>("GET", "/");
    expect(index.routes.length).toBeGreaterThan(5);
  });

  it("answers unknown paths with Kick's envelope", async () => {
    const response = await SELF.fetch(`${KICK}/public/v1/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ data: null, message: "Not Found" });
  });
});
