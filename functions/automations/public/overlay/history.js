// Draws the top gifters' lifetime KICKs over time as SVG, from /overlay/history.json. No library.
(() => {
  const COLORS = [
    "#53fc18",
    "#ff6b81",
    "#4dabf7",
    "#ffd43b",
    "#b197fc",
    "#63e6be",
    "#ffa94d",
    "#f783ac",
    "#74c0fc",
    "#e599f7",
  ];
  const [W, H, PAD] = [800, 360, 48];
  const NS = "http://www.w3.org/2000/svg";
  const el = (name, attrs, text) => {
    const node = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const day = (t) => new Date(t).toISOString().slice(0, 16).replace("T", " ");
  fetch("/overlay/history.json" + location.search, { cache: "no-store" })
    .then((r) => r.json())
    .then((answer) => {
      const box = document.getElementById("chart");
      if (!answer.ok) return (box.textContent = answer.error.message);
      const series = answer.data;
      const all = series.flatMap((s) => s.points);
      if (!all.length) return (box.textContent = "No snapshots yet.");
      const t0 = Math.min(...all.map((p) => p.at)),
        t1 = Math.max(...all.map((p) => p.at));
      const top = Math.max(1, ...all.map((p) => p.amount));
      const x = (t) => PAD + ((t - t0) / Math.max(1, t1 - t0)) * (W - 2 * PAD);
      const y = (a) => H - PAD - (a / top) * (H - 2 * PAD);
      const svg = el("svg", { viewBox: `0 0 ${W + 160} ${H}`, role: "img", "aria-label": "KICKs gifted over time" });
      svg.append(
        el("line", { x1: PAD, y1: H - PAD, x2: W - PAD, y2: H - PAD, stroke: "#888" }),
        el("line", { x1: PAD, y1: PAD, x2: PAD, y2: H - PAD, stroke: "#888" }),
        el("text", { x: PAD, y: PAD - 10, fill: "#888", "font-size": 12 }, `${top.toLocaleString("en-US")} KICKs`),
        el("text", { x: PAD, y: H - PAD + 18, fill: "#888", "font-size": 12 }, day(t0)),
        el("text", { x: W - PAD, y: H - PAD + 18, fill: "#888", "font-size": 12, "text-anchor": "end" }, day(t1)),
      );
      series.forEach((s, i) => {
        const color = COLORS[i % COLORS.length];
        const line = el("polyline", {
          fill: "none",
          stroke: color,
          "stroke-width": 3,
          points: s.points.map((p) => `${x(p.at).toFixed(1)},${y(p.amount).toFixed(1)}`).join(" "),
        });
        line.append(el("title", {}, s.username));
        svg.append(line, el("text", { x: W - PAD + 8, y: PAD + i * 20, fill: color, "font-size": 14 }, s.username));
      });
      box.replaceChildren(svg);
      document.body.dataset.drawn = "true";
    });
})();
