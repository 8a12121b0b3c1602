/**
 * What a streamer set up, and the claims that keep it to once: announce_rules and
 * announcements (migrations/0003), timers and live_state (0004), event_replies and relays
 * (0007). The rules Worker writes the rules; the automations Worker (its endpoints and cron)
 * and the webhooks Worker read them and take the claims. Split by consumer, so that each
 * Worker bundles only the statements it runs.
 */

/** The rules Worker's one write of the announce rule; the readers below never bundle it. */
export async function saveAnnounceRule(
  db: D1Database,
  rule: { accountId: number; template: string; auto: boolean; updatedAt: number },
) {
  await db
    .prepare(
      "INSERT INTO announce_rules (account_id, template, auto, updated_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (account_id) DO UPDATE SET template = ?2, auto = ?3, updated_at = ?4",
    )
    .bind(rule.accountId, rule.template, rule.auto ? 1 : 0, rule.updatedAt)
    .run();
}

/** The announce rule as the announcers read it (the automations Worker and its cron, the webhooks Worker). */
export const announceRules = {
  async template(db: D1Database, accountId: number): Promise<string | null> {
    const rule = await db
      .prepare("SELECT template FROM announce_rules WHERE account_id = ?")
      .bind(accountId)
      .first<{ template: string }>();
    return rule?.template ?? null;
  },

  /** Whether the cron and the webhook announce this account on going live. */
  async isAuto(db: D1Database, accountId: number): Promise<boolean> {
    const rule = await db
      .prepare("SELECT auto FROM announce_rules WHERE account_id = ?")
      .bind(accountId)
      .first<{ auto: number }>();
    return rule?.auto === 1;
  },

  /** The whole rule, for the control room's page; null when none was saved. */
  async get(db: D1Database, accountId: number) {
    return db
      .prepare("SELECT template, auto, updated_at FROM announce_rules WHERE account_id = ?")
      .bind(accountId)
      .first<{ template: string; auto: number; updated_at: number }>();
  },
};

/** `announceRules.isAuto` for a caller that batches it (the webhooks Worker): a row when the account announces automatically. */
export const autoAnnounceStatement = (db: D1Database, accountId: number): D1PreparedStatement =>
  db.prepare("SELECT 1 FROM announce_rules WHERE account_id = ? AND auto = 1").bind(accountId);

/** Once-per-stream claims: the primary key lets one path (button, cron, webhook) win a stream session. */
export const announcements = {
  /** False when this stream session was already claimed. */
  async claim(
    db: D1Database,
    claim: { accountId: number; streamStartedAt: string; claimedAt: number; source: string },
  ): Promise<boolean> {
    const claimed = await db
      .prepare(
        "INSERT INTO announcements (account_id, stream_started_at, claimed_at, source) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
      )
      .bind(claim.accountId, claim.streamStartedAt, claim.claimedAt, claim.source)
      .run();
    return claimed.meta.changes !== 0;
  },

  async recordMessage(db: D1Database, accountId: number, streamStartedAt: string, messageId: string | null) {
    await db
      .prepare("UPDATE announcements SET message_id = ? WHERE account_id = ? AND stream_started_at = ?")
      .bind(messageId, accountId, streamStartedAt)
      .run();
  },

  /** Frees a claim that posted nothing, so the next press can try again. */
  async release(db: D1Database, accountId: number, streamStartedAt: string) {
    await db
      .prepare("DELETE FROM announcements WHERE account_id = ? AND stream_started_at = ? AND message_id IS NULL")
      .bind(accountId, streamStartedAt)
      .run();
  },
};

export interface TimerRow {
  name: string;
  message: string;
  interval_minutes: number;
  enabled: number;
  last_posted_at: number | null;
}

/**
 * Bounds on timed messages: a leaked key cannot make a channel post every minute. The cron
 * also holds older rows to the shortest interval (they may predate it).
 */
export const TIMER_LIMITS = { perAccount: 10, minIntervalMinutes: 5 } as const;

/** Timers as the rules Worker edits them. */
export const timers = {
  async list(db: D1Database, accountId: number): Promise<TimerRow[]> {
    const { results } = await db
      .prepare("SELECT * FROM timers WHERE account_id = ? ORDER BY name")
      .bind(accountId)
      .all<TimerRow>();
    return results;
  },

  /**
   * Creates or changes a timer; false when it would be a new one past TIMER_LIMITS.perAccount.
   * The count is inside the INSERT, so racing creations cannot pass the cap together.
   */
  async save(
    db: D1Database,
    timer: { accountId: number; name: string; message: string; intervalMinutes: number; enabled: boolean; now: number },
  ): Promise<boolean> {
    const saved = await db
      .prepare(
        `INSERT INTO timers (account_id, name, message, interval_minutes, enabled, created_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6
         WHERE (SELECT COUNT(*) FROM timers WHERE account_id = ?1) < ?7
            OR EXISTS (SELECT 1 FROM timers WHERE account_id = ?1 AND name = ?2)
         ON CONFLICT (account_id, name) DO UPDATE SET message = ?3, interval_minutes = ?4, enabled = ?5`,
      )
      .bind(
        timer.accountId,
        timer.name,
        timer.message,
        timer.intervalMinutes,
        timer.enabled ? 1 : 0,
        timer.now,
        TIMER_LIMITS.perAccount,
      )
      .run();
    return saved.meta.changes !== 0;
  },

  /** False when the account has no timer of that name. */
  async remove(db: D1Database, accountId: number, name: string): Promise<boolean> {
    const deleted = await db
      .prepare("DELETE FROM timers WHERE account_id = ? AND name = ?")
      .bind(accountId, name)
      .run();
    return deleted.meta.changes !== 0;
  },
};

/** Timers as the automations Worker's cron posts them. */
export const timerRuns = {
  async enabled(db: D1Database, accountId: number) {
    const { results } = await db
      .prepare(
        "SELECT name, message, interval_minutes, last_posted_at FROM timers WHERE account_id = ? AND enabled = 1 ORDER BY name LIMIT ?",
      )
      // The cap holds for timers made before it existed too.
      .bind(accountId, TIMER_LIMITS.perAccount)
      .all<{ name: string; message: string; interval_minutes: number; last_posted_at: number | null }>();
    return results;
  },

  async markPosted(db: D1Database, accountId: number, name: string, postedAt: number) {
    await db
      .prepare("UPDATE timers SET last_posted_at = ? WHERE account_id = ? AND name = ?")
      .bind(postedAt, accountId, name)
      .run();
  },
};

export const liveState = {
  /** Records what the go-live detector sees now; returns what it saw last time (null: never checked). */
  async swap(db: D1Database, accountId: number, seen: { live: boolean; startedAt: string | null; checkedAt: number }) {
    const previous = await db
      .prepare("SELECT live, started_at FROM live_state WHERE account_id = ?")
      .bind(accountId)
      .first<{ live: number; started_at: string | null }>();
    await db
      .prepare(
        "INSERT INTO live_state (account_id, live, started_at, checked_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (account_id) DO UPDATE SET live = ?2, started_at = ?3, checked_at = ?4",
      )
      .bind(accountId, seen.live ? 1 : 0, seen.startedAt, seen.checkedAt)
      .run();
    return previous;
  },
};

export const eventReplies = {
  async save(
    db: D1Database,
    reply: { accountId: number; event: string; template: string; cooldownSeconds: number; asBot: boolean; now: number },
  ) {
    await db
      .prepare(
        `INSERT INTO event_replies (account_id, event, template, cooldown_seconds, as_bot, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
       ON CONFLICT (account_id, event) DO UPDATE SET template = ?3, cooldown_seconds = ?4, as_bot = ?5, updated_at = ?6`,
      )
      .bind(reply.accountId, reply.event, reply.template, reply.cooldownSeconds, reply.asBot ? 1 : 0, reply.now)
      .run();
  },

  async list(db: D1Database, accountId: number) {
    const { results } = await db
      .prepare(
        "SELECT event, template, cooldown_seconds, as_bot, last_sent_at FROM event_replies WHERE account_id = ? ORDER BY event",
      )
      .bind(accountId)
      .all<{
        event: string;
        template: string;
        cooldown_seconds: number;
        as_bot: number;
        last_sent_at: number | null;
      }>();
    return results;
  },

  /** False when no reply was set for that event. */
  async remove(db: D1Database, accountId: number, event: string): Promise<boolean> {
    const deleted = await db
      .prepare("DELETE FROM event_replies WHERE account_id = ? AND event = ?")
      .bind(accountId, event)
      .run();
    return deleted.meta.changes !== 0;
  },
};

/** The cooldown slot of each reply, taken and given back by the webhooks Worker as it replies. */
export const replySlots = {
  /** For a caller that batches it: a row when the account replies to this event. */
  existsStatement: (db: D1Database, accountId: number, event: string): D1PreparedStatement =>
    db.prepare("SELECT 1 FROM event_replies WHERE account_id = ? AND event = ?").bind(accountId, event),

  /**
   * Claims the reply slot (a conditional UPDATE: a follow storm over many isolates posts once);
   * null while the cooldown runs.
   */
  claim(db: D1Database, accountId: number, event: string, now: number) {
    return db
      .prepare(
        `UPDATE event_replies SET last_sent_at = ?3 WHERE account_id = ?1 AND event = ?2 AND (last_sent_at IS NULL OR last_sent_at <= ?3 - cooldown_seconds * 1000)
     RETURNING template, as_bot`,
      )
      .bind(accountId, event, now)
      .first<{ template: string; as_bot: number }>();
  },

  /** Gives back a slot `claim` took at `claimedAt` and that posted nothing. */
  async release(db: D1Database, accountId: number, event: string, claimedAt: number) {
    await db
      .prepare("UPDATE event_replies SET last_sent_at = NULL WHERE account_id = ? AND event = ? AND last_sent_at = ?")
      .bind(accountId, event, claimedAt)
      .run();
  },
};

export const relays = {
  /**
   * Adds a relay unless the account has one of that name, or already has `limit` relays. The
   * count is taken inside the INSERT (D1 runs one statement at a time), so two creations at
   * once cannot both pass it; the batch's second statement tells which refusal it was.
   */
  async create(
    db: D1Database,
    relay: {
      id: string;
      accountId: number;
      name: string;
      url: string;
      events: string[];
      sealedSecret: string;
      now: number;
      limit: number;
    },
  ): Promise<"created" | "name_taken" | "limit_reached"> {
    const [inserted, taken] = await db.batch<{ taken: number }>([
      db
        .prepare(
          `INSERT INTO relays (id, account_id, name, url, events, secret, created_at)
           SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE (SELECT COUNT(*) FROM relays WHERE account_id = ?2) < ?8
           ON CONFLICT (account_id, name) DO NOTHING`,
        )
        .bind(
          relay.id,
          relay.accountId,
          relay.name,
          relay.url,
          JSON.stringify(relay.events),
          relay.sealedSecret,
          relay.now,
          relay.limit,
        ),
      db
        .prepare("SELECT EXISTS (SELECT 1 FROM relays WHERE account_id = ? AND name = ?) AS taken")
        .bind(relay.accountId, relay.name),
    ]);
    if (inserted!.meta.changes !== 0) return "created";
    return taken!.results[0]!.taken ? "name_taken" : "limit_reached";
  },

  /**
   * Seals in a new secret. The current one becomes the previous secret, which keeps signing
   * until `previousUntil` (null: it stops at once, say after a leak); a previous one from an
   * earlier rotation is dropped. False when the account has no relay of that id.
   */
  async rotateSecret(
    db: D1Database,
    rotation: { accountId: number; id: string; sealedSecret: string; previousUntil: number | null },
  ): Promise<boolean> {
    const rotated = await db
      .prepare(
        `UPDATE relays SET previous_secret = CASE WHEN ?4 IS NULL THEN NULL ELSE secret END, previous_secret_until = ?4, secret = ?3
         WHERE account_id = ?1 AND id = ?2`,
      )
      .bind(rotation.accountId, rotation.id, rotation.sealedSecret, rotation.previousUntil)
      .run();
    return rotated.meta.changes !== 0;
  },

  /** The account's relays, each with how its deliveries went (relay_deliveries is counted, not owned, here). */
  async listWithDeliveryCounts(db: D1Database, accountId: number) {
    const { results } = await db
      .prepare(
        `SELECT r.id, r.name, r.url, r.events, r.created_at, r.disabled_at, r.disabled_reason, r.previous_secret_until,
         COUNT(d.status = 'delivered' OR NULL) AS delivered, COUNT(d.status = 'pending' OR NULL) AS pending,
         COUNT(d.status = 'dead' OR NULL) AS dead FROM relays r LEFT JOIN relay_deliveries d ON d.relay_id = r.id WHERE r.account_id = ? GROUP BY r.id ORDER BY r.name`,
      )
      .bind(accountId)
      .all<{
        id: string;
        name: string;
        url: string;
        events: string;
        created_at: number;
        disabled_at: number | null;
        disabled_reason: string | null;
        previous_secret_until: number | null;
        delivered: number;
        pending: number;
        dead: number;
      }>();
    return results;
  },

  /** False when the account has no relay of that id. Its deliveries go with it (ON DELETE CASCADE). */
  async remove(db: D1Database, accountId: number, id: string): Promise<boolean> {
    const deleted = await db.prepare("DELETE FROM relays WHERE account_id = ? AND id = ?").bind(accountId, id).run();
    return deleted.meta.changes !== 0;
  },
};

/**
 * One relay of the account as a sender needs it (URL, sealed secrets, state), for a batch: no
 * row when the account has no relay of that id. Apart from `relays` so the webhooks Worker's
 * bundle takes this read alone.
 */
export const relayToSendStatement = (db: D1Database, accountId: number, id: string): D1PreparedStatement =>
  db
    .prepare(
      "SELECT id AS relay_id, url, secret, previous_secret, previous_secret_until, disabled_at FROM relays WHERE account_id = ? AND id = ?",
    )
    .bind(accountId, id);

/**
 * Every event name the account's rules listen to, in one round trip: its relays' events
 * (possibly "*"), its replies' events, and go-live when it announces automatically.
 */
export async function eventsWanted(db: D1Database, accountId: number): Promise<string[]> {
  const [relayEvents, replyEvents, announceEvents] = await db.batch<{ event: string }>([
    db
      .prepare("SELECT DISTINCT value AS event FROM relays, json_each(relays.events) WHERE account_id = ?")
      .bind(accountId),
    db.prepare("SELECT event FROM event_replies WHERE account_id = ?").bind(accountId),
    db
      .prepare("SELECT 'livestream.status.updated' AS event FROM announce_rules WHERE account_id = ? AND auto = 1")
      .bind(accountId),
  ]);
  return [...relayEvents!.results, ...replyEvents!.results, ...announceEvents!.results].map((row) => row.event);
}

/**
 * Relay secrets still sealed under an older key after a rotation (the refresh Worker's hourly
 * housekeeping re-seals them), a batch at a time; and putting the re-sealed ones in place of the
 * exact values they were made from, so a secret rotated meanwhile is not overwritten.
 */
export const relaySecretsSweep = {
  async onOldKeys(db: D1Database, current: string, limit: number) {
    const { results } = await db
      .prepare(
        "SELECT id, secret, previous_secret, previous_secret_until FROM relays WHERE secret NOT LIKE ?1 OR previous_secret NOT LIKE ?1 ORDER BY id LIMIT ?2",
      )
      .bind(current, limit)
      .all<{ id: string; secret: string; previous_secret: string | null; previous_secret_until: number | null }>();
    return results;
  },

  async count(db: D1Database, current: string): Promise<number> {
    const row = await db
      .prepare("SELECT COUNT(*) AS n FROM relays WHERE secret NOT LIKE ?1 OR previous_secret NOT LIKE ?1")
      .bind(current)
      .first<{ n: number }>();
    return row?.n ?? 0;
  },

  replace(
    db: D1Database,
    id: string,
    was: { secret: string; previous: string | null },
    now: { secret: string; previous: string | null },
  ): D1PreparedStatement {
    return db
      .prepare(
        "UPDATE relays SET secret = ?3, previous_secret = ?5 WHERE id = ?1 AND secret = ?2 AND previous_secret IS ?4",
      )
      .bind(id, was.secret, now.secret, was.previous, now.previous);
  },
};
