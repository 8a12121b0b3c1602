import { describe, expect, it } from "vitest";
import { CronError, nextMinute, parseCron } from "../../scripts/cron.mjs";
import { workers } from "../../scripts/workers.mjs";

const at = (iso: string) => new Date(iso);
/** The minutes of one UTC hour (from `hourIso`) at which `expression` fires. */
function minutesIn(expression: string, hourIso: string) {
  const cron = parseCron(expression);
  const start = Date.parse(hourIso);
  return Array.from({ length: 60 }, (_, m) => m).filter((m) => cron.matches(new Date(start + m * 60_000)));
}

describe("the cron matcher npm start runs the Workers' crons with", () => {
  it("runs every cron in wrangler.toml, so npm start skips none of them", () => {
    const crons = workers().flatMap((w) => w.crons);
    expect(crons.length).toBeGreaterThan(0);
    for (const expression of crons) expect(() => parseCron(expression), expression).not.toThrow();
  });

  it("fires wrangler.toml's schedules at their minutes: every minute, every fifth, and :17", () => {
    expect(minutesIn("* * * * *", "2026-11-30T05:00:00Z")).toHaveLength(60);
    expect(minutesIn("*/5 * * * *", "2026-11-30T05:00:00Z")).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55]);
    expect(minutesIn("17 * * * *", "2026-11-30T05:00:00Z")).toEqual([17]);
  });

  it("takes numbers, lists, ranges and steps over ranges", () => {
    expect(minutesIn("0,30 * * * *", "2026-11-30T05:00:00Z")).toEqual([0, 30]);
    expect(minutesIn("10-13 * * * *", "2026-11-30T05:00:00Z")).toEqual([10, 11, 12, 13]);
    expect(minutesIn("10-50/20 * * * *", "2026-11-30T05:00:00Z")).toEqual([10, 30, 50]);
    expect(minutesIn("45/5 * * * *", "2026-11-30T05:00:00Z")).toEqual([45, 50, 55]);
    expect(minutesIn("1,2,40-42 * * * *", "2026-11-30T05:00:00Z")).toEqual([1, 2, 40, 41, 42]);
  });

  it("reads hours, days and months in UTC, whatever the machine's time zone", () => {
    const cron = parseCron("30 9 1 JAN *");
    expect(cron.matches(at("2027-01-01T09:30:00Z"))).toBe(true);
    expect(cron.matches(at("2027-01-01T09:31:00Z"))).toBe(false);
    expect(cron.matches(at("2027-01-01T10:30:00Z"))).toBe(false);
    expect(cron.matches(at("2027-01-02T09:30:00Z"))).toBe(false);
    expect(cron.matches(at("2027-02-01T09:30:00Z"))).toBe(false);
    expect(parseCron("0 9-17/4 * * *").matches(at("2026-11-30T13:00:00Z"))).toBe(true);
    expect(parseCron("0 9-17/4 * * *").matches(at("2026-11-30T14:00:00Z"))).toBe(false);
  });

  it("counts weekdays as Cloudflare does, 1 = Sunday to 7 = Saturday, with names too", () => {
    // Cloudflare's own examples: "0 17 * * sun" and "0 17 * * 1" are 5 PM on Sunday;
    // "10 7 * * mon-fri" and "10 7 * * 2-6" are 7:10 AM on weekdays.
    const sunday = at("2026-11-29T17:00:00Z");
    expect(sunday.getUTCDay()).toBe(0);
    expect(parseCron("0 17 * * sun").matches(sunday)).toBe(true);
    expect(parseCron("0 17 * * 1").matches(sunday)).toBe(true);
    expect(parseCron("0 17 * * 2").matches(sunday)).toBe(false);
    for (const expression of ["10 7 * * mon-fri", "10 7 * * 2-6"]) {
      // Sunday 29 November 2026 to Saturday 5 December.
      const days = Array.from({ length: 7 }, (_, d) => new Date(Date.parse("2026-11-29T07:10:00Z") + d * 86_400_000));
      expect(days.map((d) => parseCron(expression).matches(d))).toEqual([false, true, true, true, true, true, false]);
    }
    expect(parseCron("0 0 * * 7").matches(at("2026-12-05T00:00:00Z"))).toBe(true); // a Saturday
  });

  it("refuses what it cannot run, naming the cron, rather than running it at other times", () => {
    for (const [expression, reason] of [
      ["* * * *", /five fields/],
      ["* * * * * *", /five fields/],
      ["60 * * * *", /minute "60"/],
      ["* 24 * * *", /hour "24"/],
      ["* * 0 * *", /day of month "0"/],
      ["* * * 13 *", /month "13"/],
      ["* * * * 0", /weekday "0"/],
      ["0 18 * * 6L", /weekday "6L"/],
      ["0 10 * * MON#2", /does not run/],
      ["59 23 LW * *", /day of month "LW"/],
      ["0 12 1 * MON", /day of month and a weekday together/],
      ["*/0 * * * *", /step/],
      ["50-10 * * * *", /backwards/],
      ["? * * * *", /does not run/],
    ] as const) {
      expect(() => parseCron(expression), expression).toThrow(CronError);
      expect(() => parseCron(expression), expression).toThrow(reason);
      expect(() => parseCron(expression), expression).toThrow(`"${expression}"`);
    }
  });

  it("ticks at the start of each next UTC minute", () => {
    expect(nextMinute(Date.parse("2026-11-30T05:00:00.000Z"))).toBe(Date.parse("2026-11-30T05:01:00.000Z"));
    expect(nextMinute(Date.parse("2026-11-30T05:00:59.999Z"))).toBe(Date.parse("2026-11-30T05:01:00.000Z"));
    expect(nextMinute(Date.parse("2026-11-30T23:59:30.000Z"))).toBe(Date.parse("2026-12-01T00:00:00.000Z"));
  });
});
