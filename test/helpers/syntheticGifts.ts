import type { Leaderboard } from "../../shared/kick/index";
import type { Period } from "../../shared/storage/leaderboardStore";

/**
 * A seeded stream of KICKs gifts and the leaderboards Kick would show for them: bursts while
 * "live" (evenings UTC), rare otherwise; week resets on Mondays, month on the 1st (UTC). The
 * same seed gives the same year, so bench runs compare.
 */
export class SyntheticGifts {
  private readonly totals: Record<Period, Map<number, number>> = {
    week: new Map(),
    month: new Map(),
    lifetime: new Map(),
  };
  private seed: number;

  constructor(seed: number) {
    this.seed = seed;
  }

  private next() {
    this.seed = (this.seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return this.seed / 2 ** 31;
  }

  /** Advances to time `t` (steps of whole minutes) and returns the leaderboard then. */
  at(t: number): Leaderboard {
    const d = new Date(t);
    const midnight = d.getUTCHours() === 0 && d.getUTCMinutes() === 0;
    if (midnight && d.getUTCDay() === 1) this.totals.week.clear();
    if (midnight && d.getUTCDate() === 1) this.totals.month.clear();
    const live = d.getUTCHours() >= 18 && d.getUTCHours() < 23;
    if (this.next() < (live ? 0.6 : 0.02)) {
      const user = 1 + Math.floor(this.next() ** 2 * 300);
      const amount = [1, 5, 10, 50, 100, 500][Math.floor(this.next() * 6)]!;
      for (const m of Object.values(this.totals)) m.set(user, (m.get(user) ?? 0) + amount);
    }
    return this.board();
  }

  board(): Leaderboard {
    const rank = (m: Map<number, number>) =>
      [...m]
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, 100)
        .map(([user_id, gifted_amount], i) => ({ rank: i + 1, user_id, username: `gifter${user_id}`, gifted_amount }));
    return { week: rank(this.totals.week), month: rank(this.totals.month), lifetime: rank(this.totals.lifetime) };
  }
}
