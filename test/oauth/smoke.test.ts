import { SELF } from "cloudflare:test";
import { expect, it } from "vitest";

it("reaches the emulator through outbound fetch and serves the sign-in page", async () => {
  const kick = await fetch("http://kick.test/_emulator/state");
  expect(kick.status).toBe(200);
  const home = await SELF.fetch("http://127.0.0.1:8787/");
  expect(home.status).toBe(200);
  expect(await home.text()).toContain("Admin passphrase");
});
