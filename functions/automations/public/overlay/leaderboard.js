// Renders the leaderboard from /overlay/leaderboard.json and refreshes it.
(() => {
  const query = new URLSearchParams(location.search);
  const every = Math.min(600, Math.max(2, Number(query.get("refresh")) || 15)) * 1000;
  const theme = ["dark", "light", "clear"].includes(query.get("theme")) ? query.get("theme") : "dark";
  document.body.dataset.theme = theme;
  // Only the data's own options go to the Worker: the look (theme, title) is this page's
  // business, and a new theme then needs no change to the data endpoint's schema.
  const data = new URLSearchParams();
  for (const name of ["key", "period", "count"]) if (query.has(name)) data.set(name, query.get(name));
  const list = document.getElementById("list");
  const empty = document.getElementById("empty");
  const error = document.getElementById("error");
  const span = (className, text) => {
    const node = document.createElement("span");
    node.className = className;
    node.textContent = text;
    return node;
  };
  async function update() {
    try {
      const answer = await (await fetch("/overlay/leaderboard.json?" + data, { cache: "no-store" })).json();
      if (!answer.ok) throw new Error(answer.error.message);
      const entries = answer.data.entries;
      document.getElementById("title").textContent = query.get("title") || `${answer.data.title} · KICKs`;
      list.replaceChildren(
        ...entries.map((e, i) => {
          const row = document.createElement("li");
          const name = span("name", e.username);
          // A name cut short by the width is still there whole on hover (and to a screen reader).
          name.title = e.username;
          row.append(span("rank", String(i + 1)), name, span("amount", e.amount.toLocaleString("en-US")));
          return row;
        }),
      );
      list.classList.toggle("wide", entries.length >= 10);
      // The font follows the number of rows, so a short source still shows them all.
      document.body.style.setProperty("--rows", String(Math.max(entries.length, 3)));
      empty.hidden = entries.length > 0;
      error.hidden = true;
      document.body.dataset.updated = String(Date.now());
    } catch (e) {
      error.textContent = String(e.message || e);
      error.hidden = false;
    }
  }
  update();
  setInterval(update, every);
})();
