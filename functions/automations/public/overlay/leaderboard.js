// Renders the leaderboard from /overlay/leaderboard.json (same options, same key) and refreshes it.
(() => {
  const query = new URLSearchParams(location.search);
  const every = Math.max(2, Number(query.get("refresh") || 15)) * 1000;
  if (query.get("theme") === "light") document.body.classList.add("light");
  const list = document.getElementById("list");
  const error = document.getElementById("error");
  async function update() {
    try {
      const answer = await (await fetch("/overlay/leaderboard.json" + location.search, { cache: "no-store" })).json();
      if (!answer.ok) throw new Error(answer.error.message);
      document.getElementById("title").textContent = `${answer.data.title} · KICKs`;
      list.replaceChildren(
        ...answer.data.entries.map((e) => {
          const row = document.createElement("li");
          const name = document.createElement("span");
          name.className = "name";
          name.textContent = e.username;
          const amount = document.createElement("span");
          amount.className = "amount";
          amount.textContent = e.amount.toLocaleString("en-US");
          row.append(name, amount);
          return row;
        }),
      );
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
