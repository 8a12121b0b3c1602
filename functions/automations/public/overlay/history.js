/* global addEventListener, getComputedStyle */
// Draws the top gifters' lifetime KICKs over time as SVG, from /overlay/history.json. No library.
(() => {
  // Bright lines for the dark panel and the bare stream; deeper ones that hold up on white.
  const BRIGHT = [
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
  const DEEP = [
    "#2b8a3e",
    "#e03131",
    "#1971c2",
    "#e67700",
    "#7048e8",
    "#0c8599",
    "#d9480f",
    "#c2255c",
    "#364fc7",
    "#9c36b5",
  ];
  const query = new URLSearchParams(location.search);
  const theme = ["dark", "light", "clear"].includes(query.get("theme")) ? query.get("theme") : "dark";
  document.body.dataset.theme = theme;
  const colors = theme === "light" ? DEEP : BRIGHT;
  if (query.get("title")) document.getElementById("title").textContent = query.get("title");
  // Snapshots come hourly at most, so a minute is fresh enough and spares the Worker.
  const every = Math.min(3600, Math.max(10, Number(query.get("refresh")) || 60)) * 1000;
  // The look is this page's business; only the data's own options go to the Worker.
  const data = new URLSearchParams();
  for (const name of ["key", "count"]) if (query.has(name)) data.set(name, query.get(name));

  const [figure, chart, legend] = ["figure", "chart", "legend"].map((id) => document.getElementById(id));
  const [empty, error] = ["empty", "error"].map((id) => document.getElementById(id));
  const NS = "http://www.w3.org/2000/svg";
  const el = (name, attrs, text) => {
    const node = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  };

  const SECOND = 1000;
  const MINUTE = 60 * SECOND;
  const HOUR = 60 * MINUTE;
  const DAY = 24 * HOUR;
  const STEPS = [1, 5, 15, 30]
    .map((n) => n * SECOND)
    .concat(
      [1, 5, 15, 30].map((n) => n * MINUTE),
      [1, 3, 6, 12].map((n) => n * HOUR),
    )
    .concat([1, 2, 7, 14, 30, 91, 182, 365].map((n) => n * DAY));
  const format = (options) => new Intl.DateTimeFormat(undefined, { hourCycle: "h23", ...options });
  const seconds = format({ hour: "2-digit", minute: "2-digit", second: "2-digit" });
  const minutes = format({ hour: "2-digit", minute: "2-digit" });
  const days = format({ month: "short", day: "numeric" });
  const months = format({ month: "short", year: "numeric" });
  const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
  const kicks = (n) => (n >= 10_000 ? compact.format(n) : n.toLocaleString("en-US"));

  /** Round KICKs for the y axis: 1, 2 or 5 times a power of ten, whole numbers. */
  const niceStep = (raw) => {
    const power = 10 ** Math.max(0, Math.floor(Math.log10(Math.max(1, raw))));
    return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  };

  /** At most `most` ticks on round local times (whole hours, midnights), and how to write them. */
  function timeTicks(t0, t1, most) {
    const step = STEPS.find((s) => (t1 - t0) / s <= most) ?? STEPS.at(-1);
    const offset = -new Date(t0).getTimezoneOffset() * MINUTE;
    const ticks = [];
    for (let t = Math.ceil((t0 + offset) / step) * step - offset; t <= t1; t += step) ticks.push(t);
    const label = step < MINUTE ? seconds : step < DAY ? minutes : step < 30 * DAY ? days : months;
    const first = days.format(t0);
    const last = days.format(t1);
    const title = step < DAY ? `Time (${first === last ? first : `${first} – ${last}`})` : "Date";
    return { ticks, label: (t) => label.format(t), title };
  }

  let series = [];
  function draw() {
    const W = chart.clientWidth;
    const H = chart.clientHeight;
    if (!W || !H) return;
    const fs = parseFloat(getComputedStyle(chart).fontSize);
    const all = series.flatMap((s) => s.points);
    let t0 = Math.min(...all.map((p) => p.at));
    let t1 = Math.max(...all.map((p) => p.at));
    // A single snapshot still gets a time axis of its own, with the point in the middle.
    if (t1 === t0) [t0, t1] = [t0 - MINUTE / 2, t1 + MINUTE / 2];
    const highest = Math.max(1, ...all.map((p) => p.amount));
    const yStep = niceStep(highest / 4);
    const yTop = Math.ceil(highest / yStep) * yStep;
    const yTicks = Array.from({ length: yTop / yStep + 1 }, (_, i) => i * yStep);
    // Digits run about 0.6 em wide: room for the longest tick label and the rotated axis title.
    const longest = Math.max(...yTicks.map((v) => kicks(v).length));
    const [left, right, top, bottom] = [fs * (2.2 + 0.6 * longest), fs * 1.2, fs * 0.8, fs * 3.2];
    const x = (t) => left + ((t - t0) / (t1 - t0)) * (W - left - right);
    const y = (a) => H - bottom - (a / yTop) * (H - top - bottom);

    const svg = el("svg", {
      width: W,
      height: H,
      viewBox: `0 0 ${W} ${H}`,
      role: "img",
      "aria-label": `KICKs gifted over time by ${series.map((s) => s.username).join(", ")}`,
    });
    const grid = el("g", { class: "grid" });
    const axis = el("g", { class: "axis" });
    for (const v of yTicks) {
      grid.append(el("line", { x1: left, x2: W - right, y1: y(v), y2: y(v) }));
      axis.append(
        el("text", { class: "tick y", x: left - fs * 0.4, y: y(v) + fs * 0.35, "text-anchor": "end" }, kicks(v)),
      );
    }
    const time = timeTicks(t0, t1, Math.max(2, Math.floor((W - left - right) / (fs * 6))));
    for (const t of time.ticks) {
      const label = time.label(t);
      // A label that would run past the source's edge is left out rather than cut.
      if (x(t) + label.length * fs * 0.3 > W || x(t) - label.length * fs * 0.3 < left - fs) continue;
      axis.append(
        el("line", { x1: x(t), x2: x(t), y1: H - bottom, y2: H - bottom + fs * 0.3 }),
        el("text", { class: "tick x", x: x(t), y: H - bottom + fs * 1.3, "text-anchor": "middle" }, label),
      );
    }
    axis.append(
      el("line", { x1: left, x2: W - right, y1: H - bottom, y2: H - bottom }),
      el("line", { x1: left, x2: left, y1: top, y2: H - bottom }),
      el(
        "text",
        { class: "title", x: left + (W - left - right) / 2, y: H - fs * 0.35, "text-anchor": "middle" },
        time.title,
      ),
      el(
        "text",
        {
          class: "title",
          transform: `translate(${fs * 0.95} ${top + (H - top - bottom) / 2}) rotate(-90)`,
          "text-anchor": "middle",
        },
        "KICKs",
      ),
    );
    svg.append(grid, axis);
    const width = Math.max(2, fs / 6);
    series.forEach((s, i) => {
      const color = colors[i % colors.length];
      const points = [...s.points].sort((a, b) => a.at - b.at);
      const line = el("polyline", {
        class: "series",
        fill: "none",
        stroke: color,
        "stroke-width": width,
        "stroke-linejoin": "round",
        "stroke-linecap": "round",
        points: points.map((p) => `${x(p.at).toFixed(1)},${y(p.amount).toFixed(1)}`).join(" "),
      });
      line.append(el("title", {}, s.username));
      const end = points.at(-1);
      svg.append(line, el("circle", { cx: x(end.at), cy: y(end.amount), r: width * 1.4, fill: color }));
    });
    chart.replaceChildren(svg);
  }

  function showLegend() {
    legend.replaceChildren(
      ...series.map((s, i) => {
        const row = document.createElement("li");
        const swatch = document.createElement("span");
        swatch.className = "swatch";
        // CSSOM, not a style attribute: the page's CSP allows the one and refuses the other.
        swatch.style.background = colors[i % colors.length];
        const name = document.createElement("span");
        name.className = "name";
        name.textContent = name.title = s.username;
        const amount = document.createElement("span");
        amount.className = "amount";
        amount.textContent = kicks(s.points.reduce((a, b) => (b.at >= a.at ? b : a)).amount);
        row.append(swatch, name, amount);
        return row;
      }),
    );
  }

  async function load() {
    try {
      const answer = await (await fetch("/overlay/history.json?" + data, { cache: "no-store" })).json();
      if (!answer.ok) throw new Error(answer.error.message);
      series = answer.data.filter((s) => s.points.length > 0);
      figure.hidden = series.length === 0;
      figure.parentElement.classList.toggle("compact", series.length === 0);
      empty.hidden = series.length > 0;
      error.hidden = true;
      if (series.length) {
        showLegend();
        draw();
      }
      document.body.dataset.drawn = "true";
    } catch (e) {
      error.textContent = String(e.message || e);
      error.hidden = false;
    }
  }
  // OBS resizes a source when its size is changed in the properties: the chart follows.
  addEventListener("resize", () => series.length && draw());
  load();
  setInterval(load, every);
})();
