import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { accounts } from "../../shared/storage/accountsStore";
import type { KickClient, Leaderboard } from "../../shared/kick/index";
import { kicksQueries, PERIODS, thinSnapshots, type Period } from "../../shared/storage/leaderboardStore";
import { takeSnapshot } from "../../shared/leaderboard/takeSnapshot";
import { resetWorkerState } from "../helpers/resetWorkerState";
import { SyntheticGifts } from "../helpers/syntheticGifts";

// The storage under the KICKs queries, driven with synthetic leaderboards: only what moved is
// written, yet every stored ranking reads back exactly as Kick gave it, before and after thinning.

const E = env as unknown as Cloudflare.AutomationsEnv & { TEST_MIGRATIONS: { name: string; queries: string[] }[] };
const NO_KICK = {} as KickClient;
const ACCOUNT = 7;
const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 25);

const ranked = (b: Leaderboard, period: Period, top = 100) =>
  b[period]
    .slice(0, top)
    .map((e) => ({ rank: e.rank, user_id: e.user_id, username: e.username, amount: e.gifted_amount }));
const changeRows = async () =>
  (await E.DB.prepare("SELECT COUNT(*) AS n FROM kicks_changes").first<{ n: number }>())!.n;
const snapshotTimes = async (period: Period) =>
  (
    await E.DB.prepare("SELECT taken_at FROM kicks_snapshots WHERE account_id = ? AND period = ? ORDER BY id")
      .bind(ACCOUNT, period)
      .all<{ taken_at: number }>()
  ).results.map((r) => r.taken_at);

/** A lifetime-only board of `n` gifters with the given amounts (most first). */
function lifetime(amounts: [user_id: number, amount: number][]): Leaderboard {
  const entries = [...amounts]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, 100)
    .map(([user_id, gifted_amount], i) => ({ rank: i + 1, user_id, username: `gifter${user_id}`, gifted_amount }));
  return { week: [], month: [], lifetime: entries };
}

beforeEach(async () => {
  await resetWorkerState(E);
  await accounts.connect(E.DB, {
    id: ACCOUNT,
    username: "streamer",
    role: "broadcaster",
    scopes: ["kicks:read"],
    tokenExpiresAt: now,
    now,
  });
});

describe("KICKs storage", () => {
  it("writes a change row only for gifters who moved, entered or left", async () => {
    const amounts = new Map(Array.from({ length: 100 }, (_, i) => [i + 1, 1000 - i * 5] as [number, number]));
    await takeSnapshot(E.DB, NO_KICK, ACCOUNT, now, lifetime([...amounts]));
    expect(await changeRows()).toBe(100);

    amounts.set(100, amounts.get(99)! + 1); // the last gifter passes the one above
    const passed = await takeSnapshot(E.DB, NO_KICK, ACCOUNT, now + 1, lifetime([...amounts]));
    expect(passed.changed).toEqual(["lifetime"]);
    expect(await changeRows()).toBe(102);

    amounts.set(101, 10_000); // a newcomer takes first place; everyone shifts, the last one leaves
    await takeSnapshot(E.DB, NO_KICK, ACCOUNT, now + 2, lifetime([...amounts]));
    expect(await changeRows()).toBe(102 + 101);
    const gone = await kicksQueries.history(E.DB, ACCOUNT, "lifetime", { id: 99 });
    expect(gone.at(-1)).toMatchObject({ taken_at: now + 2, rank: null, amount: null });
    expect((await kicksQueries.latest(E.DB, ACCOUNT, "lifetime", 100))!.entries).toEqual(
      ranked(lifetime([...amounts]), "lifetime"),
    );
  });

  it(
    "reads back every stored ranking exactly, before and after thinning in small batches",
    { timeout: 120_000 },
    async () => {
      const gifts = new SyntheticGifts(7);
      const truth = new Map<number, Leaderboard>();
      for (let t = now - 30 * DAY; t < now; t += 30 * 60_000) {
        const board = gifts.at(t);
        truth.set(t, board);
        await takeSnapshot(E.DB, NO_KICK, ACCOUNT, t, board);
      }
      const final = gifts.board();

      const checkAll = async () => {
        for (const period of PERIODS) {
          const times = await snapshotTimes(period);
          for (const t of times)
            expect(
              (await kicksQueries.topAt(E.DB, ACCOUNT, period, t, 100))!.entries,
              `${period} at ${new Date(t).toISOString()}`,
            ).toEqual(ranked(truth.get(t)!, period));
          expect((await kicksQueries.latest(E.DB, ACCOUNT, period, 100))!.entries).toEqual(ranked(final, period));
        }
        // The gain between two stored lifetime rankings is their difference, gifter by gifter.
        const times = await snapshotTimes("lifetime");
        const [since, until] = [times[Math.floor(times.length / 3)]!, times.at(-1)!];
        const before = new Map(ranked(truth.get(since)!, "lifetime").map((e) => [e.user_id, e.amount]));
        const expected = ranked(truth.get(until)!, "lifetime")
          .map((e) => ({ user_id: e.user_id, username: e.username, gained: e.amount - (before.get(e.user_id) ?? 0) }))
          .filter((g) => g.gained > 0)
          .sort((a, b) => b.gained - a.gained || a.user_id - b.user_id)
          .slice(0, 10);
        expect(await kicksQueries.gain(E.DB, ACCOUNT, since, until, 10)).toEqual(expected);
      };

      await checkAll();
      const [snapshotsBefore, changesBefore] = [(await snapshotTimes("week")).length, await changeRows()];
      let rounds = 0;
      while ((await thinSnapshots(E.DB, now, { keepAllDays: 3, keepHourlyDays: 10, batch: 25 })) > 0) rounds++;
      expect(rounds).toBeGreaterThan(2);
      expect((await snapshotTimes("week")).length).toBeLessThan(snapshotsBefore);
      expect(await changeRows()).toBeLessThan(changesBefore);
      await checkAll();
    },
  );
});

describe("migration 0006", () => {
  it("turns the stored full copies into changes that read back the same", async () => {
    const migration = E.TEST_MIGRATIONS.find((m) => m.name.startsWith("0006"))!;
    const createEntries = E.TEST_MIGRATIONS.find((m) => m.name.startsWith("0005"))!.queries.filter((q) =>
      /kicks_entries/.test(q),
    );
    await E.DB.batch([
      E.DB.prepare("DROP TABLE kicks_changes"),
      E.DB.prepare("DROP TABLE kicks_current"),
      E.DB.prepare("DROP INDEX kicks_snapshots_newest"),
      ...createEntries.map((q) => E.DB.prepare(q)),
    ]);

    // Rankings as the old schema stored them: every entry of every changed ranking.
    const boards = [
      lifetime([
        [1, 500],
        [2, 300],
      ]),
      lifetime([
        [1, 500],
        [2, 300],
        [3, 400],
      ]),
      lifetime([
        [1, 900],
        [3, 400],
      ]), // gifter 2 left
      lifetime([
        [1, 900],
        [3, 400],
        [2, 50],
      ]), // and came back
    ];
    for (const [i, board] of boards.entries()) {
      const { meta } = await E.DB.prepare(
        "INSERT INTO kicks_snapshots (account_id, period, taken_at, last_seen_at, digest) VALUES (?, 'lifetime', ?, ?, ?)",
      )
        .bind(ACCOUNT, now + i, now + i, `d${i}`)
        .run();
      await E.DB.batch(
        board.lifetime.map((e) =>
          E.DB.prepare("INSERT INTO kicks_entries VALUES (?, ?, ?, ?, ?)").bind(
            meta.last_row_id,
            e.rank,
            e.user_id,
            e.username,
            e.gifted_amount,
          ),
        ),
      );
    }
    await E.DB.batch(migration.queries.map((q) => E.DB.prepare(q)));

    for (const [i, board] of boards.entries())
      expect((await kicksQueries.topAt(E.DB, ACCOUNT, "lifetime", now + i, 100))!.entries).toEqual(
        ranked(board, "lifetime"),
      );
    expect((await kicksQueries.latest(E.DB, ACCOUNT, "lifetime", 100))!.entries).toEqual(
      ranked(boards[3]!, "lifetime"),
    );
    expect((await kicksQueries.history(E.DB, ACCOUNT, "lifetime", { id: 2 })).map((h) => h.rank)).toEqual([
      2,
      3,
      null,
      3,
    ]);
    expect(await changeRows()).toBe(2 + 2 + 2 + 1); // first ranking; 3 entered + 2 moved; 1 moved + 2 left; 2 back
  });
});
