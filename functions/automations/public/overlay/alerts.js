/* global setTimeout, AudioContext */
// Shows the channel's alerts from /overlay/alerts.json (the same overlay key), one at a time.
(() => {
  const query = new URLSearchParams(location.search);
  const key = query.get("key") || "";
  const seconds = Math.min(30, Math.max(2, Number(query.get("duration")) || 5));
  const sound = query.get("sound") === "1";
  const theme = query.get("theme");
  if (theme === "light" || theme === "clear") document.body.classList.add(theme);
  // Each type's template parameter, its default, and its placeholders beyond {user}: the event
  // replies' (shared/webhooks/replyToEvent.ts), unfolded from the table's few columns.
  const TYPES = {
    "channel.followed": ["follow", "{user} followed!", () => ({})],
    "channel.subscription.new": ["sub", "{user} subscribed!", (a) => ({ months: a.amount })],
    "channel.subscription.renewal": ["resub", "{user} resubscribed: {months} months!", (a) => ({ months: a.amount })],
    "channel.subscription.gifts": ["giftsub", "{user} gifted {count} subs!", (a) => ({ count: a.amount })],
    "kicks.gifted": [
      "kicks",
      "{user} sent {amount} KICKs!",
      (a) => ({ amount: a.amount, gift: a.reward, message: a.message }),
    ],
    "channel.reward.redemption.updated": [
      "redeem",
      "{user} redeemed {reward}!",
      (a) => ({ reward: a.reward, cost: a.amount, input: a.message, status: "pending" }),
    ],
  };
  // A key may make 60 calls a minute: this takes about 40, leaving room for the other overlays on it.
  const POLL_MS = 1500;
  const box = document.getElementById("alert");
  const headline = document.getElementById("headline");
  const message = document.getElementById("message");
  const error = document.getElementById("error");
  const queue = [];
  let after = null;
  let busy = false;
  let audio;

  async function poll() {
    let wait = POLL_MS;
    try {
      const since = after === null ? "" : `&after=${after}`;
      const response = await fetch(`/overlay/alerts.json?key=${encodeURIComponent(key)}${since}`, {
        cache: "no-store",
      });
      const answer = await response.json();
      if (!answer.ok) {
        wait = response.status === 429 ? 10_000 : 5_000;
        throw new Error(answer.error.message);
      }
      const { last, alerts } = answer.data;
      // Opening (or the storage emptied under us): from the newest on, so nothing old is replayed.
      if (after === null || last < after) after = last;
      for (const a of alerts) {
        after = a.id;
        if (TYPES[a.type]) queue.push(a);
      }
      error.hidden = true;
      document.body.dataset.after = String(after);
      next();
    } catch (e) {
      error.textContent = String(e.message || e);
      error.hidden = false;
    }
    setTimeout(poll, wait);
  }

  function render(a) {
    const [name, fallback, more] = TYPES[a.type];
    const vars = { user: a.username, ...more(a) };
    const template = query.get(name) ?? (name === "giftsub" && a.amount === 1 ? "{user} gifted a sub!" : fallback);
    // An empty template turns the type off.
    if (!template) return false;
    // Each filled placeholder in a span of its own, so the name and amounts stand out.
    headline.replaceChildren(
      ...template.split(/(\{\w+\})/).map((part) => {
        const name = /^\{(\w+)\}$/.exec(part)?.[1];
        if (!name || !(name in vars)) return part;
        const value = document.createElement("span");
        value.className = name === "user" ? "user" : "value";
        value.textContent = typeof vars[name] === "number" ? vars[name].toLocaleString("en-US") : (vars[name] ?? "");
        return value;
      }),
    );
    // What the viewer wrote goes under the headline, unless the template placed it.
    const said = /\{(message|input)\}/.test(template) ? "" : a.message || "";
    message.textContent = said;
    message.hidden = !said;
    box.className = `in ${name}`;
    box.dataset.id = a.id;
    box.hidden = false;
    return true;
  }

  // One alert at a time: the next waits until this one has left the screen.
  function next() {
    if (busy || !queue.length) return;
    const a = queue.shift();
    if (!render(a)) return next();
    busy = true;
    if (sound) beep();
    // A storm is shown faster, so the queue catches up with the stream.
    const shown = queue.length > 3 ? Math.min(seconds, 3) : seconds;
    setTimeout(() => {
      box.className = `out ${box.className.split(" ")[1]}`;
      setTimeout(() => {
        box.hidden = true;
        busy = false;
        setTimeout(next, 300);
      }, 450);
    }, shown * 1000);
  }

  // Made here, so the page asks no other host for a sound file.
  function beep() {
    try {
      audio ??= new AudioContext();
      audio.resume().catch(() => {});
      const t = audio.currentTime;
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.setValueAtTime(880, t);
      tone.frequency.setValueAtTime(1320, t + 0.12);
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.3, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.4);
      tone.connect(gain).connect(audio.destination);
      tone.start(t);
      tone.stop(t + 0.45);
    } catch {
      // No sound is better than no alert.
    }
  }

  poll();
})();
