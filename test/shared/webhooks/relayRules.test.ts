import { describe, expect, it } from "vitest";
import { RELAY_POLICY } from "../../../shared/webhooks/relayPolicy";
import { relayUrlProblem } from "../../../shared/webhooks/relayTarget";

const LOCAL = "localhost,127.0.0.1";

describe("relayUrlProblem: where a relay may post", () => {
  it("accepts any https URL", () => {
    expect(relayUrlProblem("https://hooks.zapier.com/hooks/catch/123/abc/", LOCAL)).toBeNull();
    expect(relayUrlProblem("https://maker.ifttt.com/trigger/kick/with/key/k", "")).toBeNull();
  });

  it("refuses an address instead of a name, even over https (a relay must not reach private networks)", () => {
    expect(relayUrlProblem("https://10.0.0.5:8443/x", "")).not.toBeNull();
  });

  it("accepts plain http only to the listed hosts, whatever the port and path", () => {
    expect(relayUrlProblem("http://127.0.0.1:7474/kick", LOCAL)).toBeNull();
    expect(relayUrlProblem("http://localhost/", LOCAL)).toBeNull();
    expect(relayUrlProblem("http://LOCALHOST:8080/x", LOCAL)).toBeNull();
  });

  it("refuses plain http to any other host, naming the hosts that may have it", () => {
    expect(relayUrlProblem("http://hooks.zapier.com/hooks/catch/1/", LOCAL)).toBe(
      "must use https (http only to localhost, 127.0.0.1)",
    );
  });

  it("matches listed hosts exactly, not as a prefix or suffix", () => {
    expect(relayUrlProblem("http://127.0.0.1.evil.example/", LOCAL)).not.toBeNull();
    expect(relayUrlProblem("http://evil.localhost/", LOCAL)).not.toBeNull();
    expect(relayUrlProblem("http://127.0.0.2/", LOCAL)).not.toBeNull();
  });

  it("reads the host list with spaces and empty entries", () => {
    expect(relayUrlProblem("http://box.lan/", " localhost , , box.lan ")).toBeNull();
    expect(relayUrlProblem("http://elsewhere.example/", " localhost , , box.lan ")).toBe(
      "must use https (http only to localhost, box.lan)",
    );
  });

  it("with no hosts listed (production), every http URL is refused", () => {
    expect(relayUrlProblem("http://127.0.0.1:7474/", "")).toBe("must use https (http only to no host)");
    expect(relayUrlProblem("http://localhost/", "")).not.toBeNull();
  });

  it("refuses other schemes", () => {
    for (const url of ["ftp://example.com/x", "javascript:alert(1)", "file:///etc/passwd", "ws://localhost/"])
      expect(relayUrlProblem(url, LOCAL), url).toMatch(/^must use https/);
  });

  it("refuses a user name or password in the URL, even over https", () => {
    const problem = "must not carry a user name or password";
    expect(relayUrlProblem("https://user:pass@example.com/hook", LOCAL)).toBe(problem);
    expect(relayUrlProblem("https://user@example.com/hook", LOCAL)).toBe(problem);
    expect(relayUrlProblem("http://u:p@127.0.0.1/hook", LOCAL)).toBe(problem);
  });

  it("refuses what is not an absolute URL", () => {
    for (const url of ["hooks.zapier.com/hooks/catch/1", "/kick", "", "https://"])
      expect(relayUrlProblem(url, LOCAL), url).toMatch(/^must be an absolute URL/);
  });
});

describe("RELAY_POLICY: when a failed relay is tried again", () => {
  it("retries timeouts, rate limits and server errors", () => {
    for (const status of [408, 429, 500, 502, 503, 504, 599])
      expect(RELAY_POLICY.retryable(status), String(status)).toBe(true);
  });

  it("gives up at once on any other client error (a deleted Zap answers 410)", () => {
    for (const status of [400, 401, 403, 404, 405, 409, 410, 413, 422])
      expect(RELAY_POLICY.retryable(status), String(status)).toBe(false);
  });

  it("tries at once, then after 1 min, 5 min, 30 min, 2 h and 6 h (docs/webhooks.md)", () => {
    const MIN = 60_000;
    expect(RELAY_POLICY.delaysMs).toEqual([0, MIN, 5 * MIN, 30 * MIN, 120 * MIN, 360 * MIN]);
  });

  it("gives one attempt 10 s, and one cron run at most 20 deliveries (within 50 subrequests)", () => {
    expect(RELAY_POLICY.timeoutMs).toBe(10_000);
    expect(RELAY_POLICY.perRun).toBeLessThanOrEqual(20);
  });
});
