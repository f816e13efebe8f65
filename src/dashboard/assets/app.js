// The dashboard page: reads the proxy's read-only endpoints and its live feed. Every text from the
// server goes in through textContent (model names come from upstream replies).
"use strict";

(() => {
  const TEXT = globalThis.DASHBOARD_TEXT;
  const LANG = pickLanguage(navigator.languages ?? [navigator.language ?? "en"]);
  const T = TEXT[LANG];
  const LOCALE = LANG === "zh" ? "zh-CN" : "en";
  const FEED_MAX = 500;
  const NOW_EVERY_MS = 2000;
  const USAGE_EVERY_MS = 30_000;
  const SWITCHES_EVERY_MS = 15_000;
  const COLORS = ["#2563eb", "#16a34a", "#ea580c", "#9333ea", "#dc2626", "#0891b2", "#ca8a04"];

  /** "zh" when the first Chinese or English language the browser prefers is Chinese. */
  function pickLanguage(languages) {
    for (const l of languages) {
      const tag = String(l).toLowerCase();
      if (tag.startsWith("zh")) return "zh";
      if (tag.startsWith("en")) return "en";
    }
    return "en";
  }

  function t(key, values = {}) {
    const text = T[key] ?? TEXT.en[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
  }

  function $(selector) {
    return document.querySelector(selector);
  }

  function el(tag, options = {}, children = []) {
    const node = document.createElement(tag);
    if (options.text !== undefined) node.textContent = String(options.text);
    if (options.className) node.className = options.className;
    if (options.title) node.title = options.title;
    for (const [k, v] of Object.entries(options.data ?? {})) node.dataset[k] = String(v);
    for (const child of children) node.append(child);
    return node;
  }

  function fmtInt(n) {
    return typeof n === "number" ? n.toLocaleString(LOCALE) : "–";
  }

  function fmtMs(ms) {
    if (typeof ms !== "number") return "–";
    return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  }

  function fmtClock(ms) {
    return new Date(ms).toLocaleTimeString(LOCALE, { hour12: false });
  }

  function fmtDuration(secs) {
    const s = Math.max(0, Math.floor(secs));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s % 60}s` : `${s}s`;
  }

  async function getJson(path) {
    if (locked) throw new Error(t("closed"));
    const res = await fetch(path, { credentials: "same-origin", cache: "no-store" });
    if (res.status === 401) showLocked();
    if (!res.ok) {
      let message = `HTTP ${res.status}`;
      try {
        message = (await res.json()).error?.message ?? message;
      } catch { /* not JSON */ }
      throw new Error(message);
    }
    return await res.json();
  }

  /** Set once the key stopped working: the page stops asking (every answer would be a 401). */
  let locked = false;
  let feedSource = null;

  /** The key stopped working (a restarted proxy has a new one): say what to do, once. */
  function showLocked() {
    if (locked) return;
    locked = true;
    feedSource?.close();
    setConn("closed");
    const banner = el("p", { className: "error banner", text: t("locked") });
    banner.id = "locked";
    document.body.prepend(banner);
  }

  function setConn(state) {
    const conn = $("#conn");
    conn.dataset.state = state;
    conn.textContent = t(state);
  }

  function showError(container, what, error) {
    container.replaceChildren(
      el("p", { className: "error", text: t("error_loading", { what, message: error.message }) }),
    );
  }

  // ---------- static text ----------
  document.documentElement.lang = LANG === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);

  // ---------- Now ----------
  let now = null;
  let nowAt = 0;
  let ttfb = {};

  async function refreshNow() {
    try {
      now = await getJson("api/now");
      nowAt = Date.now();
      renderNow();
    } catch (error) {
      showError($("#pool tbody"), t("now"), error);
    }
  }

  /** Usage providers' domains by id, from the switch panel's answer (as `status` reads them). */
  let providerDomains = {};

  function hostMatches(url, domain) {
    let host;
    try {
      host = new URL(url).hostname.toLowerCase().replace(/\.$/, "");
    } catch {
      return false;
    }
    const d = String(domain).toLowerCase().replace(/^\.+|\.+$/g, "");
    return d !== "" && (host === d || host.endsWith(`.${d}`));
  }

  /** As `status`: a provider none of whose domains holds an upstream is not used. */
  function providerUsed(p) {
    const domains = providerDomains[p.id];
    return domains === undefined ||
      (now?.upstreams ?? []).some((u) => domains.some((d) => hostMatches(u.base_url, d)));
  }

  let nowSoon = 0;

  /** After a finished request the pool is read again shortly, once for a whole burst. */
  function refreshNowSoon() {
    if (nowSoon) return;
    nowSoon = setTimeout(() => {
      nowSoon = 0;
      refreshNow();
    }, 500);
  }

  function providerFor(url) {
    return (now?.providers ?? []).find((p) => p.exhausted_upstreams.includes(url));
  }

  function renderNow() {
    if (!now) return;
    const passed = Date.now() - nowAt;
    $("#service").textContent = now.service ?? "";
    $("#meta").textContent = t("meta", {
      pid: now.pid,
      port: now.port,
      version: now.version,
      uptime: fmtDuration((now.uptime_secs ?? 0) + passed / 1000),
    });
    const c = now.counters ?? {};
    $("#now-summary").textContent = t("summary", {
      config: now.active_config ?? t("none"),
      n: now.upstreams.length,
      active: c.active ?? 0,
      requests: c.requests ?? 0,
      failed: (c.failed ?? 0) + (c.stream_cut ?? 0) + (c.stream_stalled ?? 0),
    });
    const rows = now.upstreams.map((u, i) => {
      const left = Math.max(0, (u.cooldown_remaining_ms ?? 0) - passed);
      const state = u.state === "open" && left === 0 ? "half_open" : u.state;
      const stateText = state === "open"
        ? t("state_open", { secs: Math.ceil(left / 1000) })
        : t(`state_${state ?? "closed"}`);
      const provider = providerFor(u.base_url);
      const quota = u.usage_exhausted ? t("exhausted") : t("available");
      const quotaTitle = provider?.last ? providerLine(provider) : "";
      const median = ttfb[u.base_url];
      return el("tr", { data: { state: state ?? "closed" } }, [
        el("td", { text: i + 1 }),
        el("td", { className: "url", text: u.base_url, title: u.base_url }),
        el("td", {
          className: `state ${state}`,
          text: stateText,
          title: u.consecutive_failures ? t("consecutive", { n: u.consecutive_failures }) : "",
        }),
        el("td", {
          className: u.usage_exhausted ? "state open" : "",
          text: quota + (provider ? ` · ${provider.id}` : ""),
          title: quotaTitle,
        }),
        el("td", { className: "num", text: fmtInt(u.requests) }),
        el("td", { className: "num", text: fmtInt(u.failures) }),
        el("td", { className: "num", text: fmtMs(median) }),
      ]);
    });
    $("#pool tbody").replaceChildren(...rows);
    $("#providers").replaceChildren(
      ...(now.providers ?? []).map((p) =>
        el("p", { className: "muted provider", text: `${t("provider")}: ${providerLine(p)}` })
      ),
    );
    const streams = (now.active_streams ?? []).map((s) =>
      el("tr", {}, [
        el("td", { text: fmtClock(s.started_ms) }),
        el("td", { text: `${s.method} ${s.path}` }),
        el("td", { className: "url", text: s.attempts.join(" → ") }),
        el("td", { className: "num", text: fmtDuration((s.elapsed_ms + passed) / 1000) }),
      ])
    );
    if (streams.length === 0) {
      const cell = el("td", { className: "muted", text: t("no_streams") });
      cell.colSpan = 4;
      streams.push(el("tr", {}, [cell]));
    }
    $("#streams tbody").replaceChildren(...streams);
  }

  function providerLine(p) {
    const last = p.last;
    if (last?.state !== "ok" && !providerUsed(p)) return t("provider_unused", { id: p.id });
    if (!last) return t("provider_never", { id: p.id, kind: p.kind ?? "" });
    const remaining = typeof last.remaining === "number"
      ? t("remaining", { remaining: last.remaining })
      : "";
    return t("provider_last", {
      id: p.id,
      kind: p.kind ?? "",
      state: last.exhausted ? t("exhausted") : (last.error ?? last.state ?? ""),
      remaining,
      at: typeof last.checked_at_ms === "number" ? fmtClock(last.checked_at_ms) : "–",
    });
  }

  // ---------- Switches ----------
  async function refreshSwitches() {
    const box = $("#switch-list");
    try {
      const data = await getJson("api/switches");
      providerDomains = data.provider_domains ?? {};
      renderNow();
      box.replaceChildren(
        ...["codex", "claude"].map((name) =>
          switchCard(name === "codex" ? "Codex" : "Claude Code", data[name])
        ),
      );
    } catch (error) {
      showError(box, t("switches"), error);
    }
  }

  function switchCard(label, s) {
    const who = t(`who_${s.answer}`, { service: s.proxy_service ?? "" });
    const line = s.points_here
      ? t("switch_here", { port: s.port })
      : s.switched
      ? t("switch_other", { port: s.port, who })
      : t("switch_off", { port: s.port, who });
    const details = [s.file];
    if (s.switched_at) {
      details.push(t("switched_at", { at: new Date(s.switched_at).toLocaleString(LOCALE) }));
    }
    if (s.active_config) details.push(t("active_config", { config: s.active_config }));
    return el("div", { className: "card", data: { client: label, here: s.points_here } }, [
      el("strong", { text: label }),
      el("span", { className: `dot ${s.points_here ? "ok" : s.switched ? "warn" : "off"}` }),
      el("span", { className: "switch-line", text: line }),
      el("div", { className: "muted small", text: details.join(" · ") }),
      ...s.problems.map((p) => el("div", { className: "error small", text: p })),
    ]);
  }

  // ---------- Live feed ----------
  const feed = [];
  const seenUpstreams = new Set();
  const seenModels = new Set();

  function isError(r) {
    return r.status_code >= 400 || (r.outcome !== null && r.outcome !== "completed");
  }

  function chainOf(r) {
    return r.attempts.map((a) => {
      const ok = a.error === null && a.status_code !== null && a.status_code < 400;
      return el("span", {
        className: `attempt ${ok ? "ok" : "bad"}`,
        text: `${hostOf(a.upstream_base_url)} ${a.status_code ?? a.error ?? "?"}`,
        title: `${a.upstream_base_url} · ${a.status_code ?? ""} ${a.error ?? ""} · ${
          fmtMs(a.duration_ms)
        }`,
      });
    });
  }

  function hostOf(url) {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  }

  function feedRow(r) {
    const u = r.usage;
    const tokens = u ? fmtInt(u.total_tokens) : "–";
    const tokenTitle = u
      ? `${t("input")} ${fmtInt(u.input_tokens)} · ${t("cached")} ${
        fmtInt(u.cached_input_tokens ?? u.cache_read_input_tokens ?? 0)
      } · ${t("output")} ${fmtInt(u.output_tokens)}`
      : "";
    const chain = el("td", { className: "chain" });
    const links = chainOf(r);
    links.forEach((link, i) => {
      if (i > 0) chain.append(el("span", { className: "arrow", text: "→" }));
      chain.append(link);
    });
    return el("tr", {
      className: isError(r) ? "error-row" : "",
      data: { outcome: r.outcome ?? "", upstream: r.upstream_base_url ?? "", model: r.model ?? "" },
    }, [
      el("td", {
        text: fmtClock(r.timestamp_ms),
        title: new Date(r.timestamp_ms).toLocaleString(LOCALE),
      }),
      el("td", { text: r.config_name ?? t("none") }),
      el("td", {
        className: "url",
        text: r.upstream_base_url ?? t("none"),
        title: r.upstream_base_url ?? "",
      }),
      el("td", { className: "model", text: r.model ?? t("unknown"), title: r.model ?? "" }),
      el("td", { className: "num", text: r.status_code }),
      el("td", {
        className: `outcome ${r.outcome ?? ""}`,
        text: r.outcome ? t(`outcome_${r.outcome}`) : "",
        title: r.error ?? "",
      }),
      chain,
      el("td", { className: "num", text: tokens, title: tokenTitle }),
      el("td", { className: "num", text: fmtMs(r.ttfb_ms) }),
      el("td", { className: "num", text: fmtMs(r.duration_ms) }),
    ]);
  }

  function passes(r) {
    if ($("#f-errors").checked && !isError(r)) return false;
    const up = $("#f-upstream").value;
    if (up !== "" && r.upstream_base_url !== up) return false;
    const model = $("#f-model").value;
    if (model !== "" && r.model !== model) return false;
    return true;
  }

  function fillSelect(select, values) {
    const current = select.value;
    select.replaceChildren(
      el("option", { text: t("filter_all") }),
      ...[...values].sort().map((v) => el("option", { text: v })),
    );
    select.firstElementChild.value = "";
    select.value = values.has(current) ? current : "";
  }

  function noteValues(r) {
    let changed = false;
    if (r.upstream_base_url && !seenUpstreams.has(r.upstream_base_url)) {
      seenUpstreams.add(r.upstream_base_url);
      changed = true;
    }
    if (r.model && !seenModels.has(r.model)) {
      seenModels.add(r.model);
      changed = true;
    }
    if (changed) {
      fillSelect($("#f-upstream"), seenUpstreams);
      fillSelect($("#f-model"), seenModels);
    }
  }

  function renderFeed() {
    const rows = [];
    for (let i = feed.length - 1; i >= 0; i--) if (passes(feed[i])) rows.push(feedRow(feed[i]));
    $("#feed-table tbody").replaceChildren(...rows);
    $("#feed-empty").hidden = feed.length > 0;
  }

  function addRecord(r) {
    const key = keyOf(r);
    if (feed.slice(-50).some((f) => keyOf(f) === key)) return; // a catch-up read it first
    feed.push(r);
    if (feed.length > FEED_MAX) feed.shift();
    noteValues(r);
    if (passes(r)) {
      const body = $("#feed-table tbody");
      body.prepend(feedRow(r));
      while (body.childElementCount > FEED_MAX) body.lastElementChild.remove();
    }
    $("#feed-empty").hidden = true;
  }

  for (const id of ["#f-errors", "#f-upstream", "#f-model"]) {
    $(id).addEventListener("change", renderFeed);
  }

  /** A finished request, told apart from the others (the log has no id). */
  function keyOf(r) {
    return [r.timestamp_ms, r.method, r.path, r.status_code, r.duration_ms, r.upstream_base_url]
      .join("|");
  }

  /**
   * Adds the log's last requests the feed lacks: at start, and whenever the feed (re)connects,
   * so requests that finished while it was down (a dropped tunnel) still show.
   */
  async function catchUp() {
    let recent;
    try {
      recent = await getJson("api/recent");
    } catch {
      return; // the live part still works
    }
    const have = new Set(feed.map(keyOf));
    const missing = recent.filter((r) => !have.has(keyOf(r)));
    for (const r of missing) {
      feed.push(r);
      noteValues(r);
    }
    if (missing.length > 0 || feed.length === 0) {
      const end = (r) => r.timestamp_ms + r.duration_ms;
      feed.sort((a, b) => end(a) - end(b));
      feed.splice(0, Math.max(0, feed.length - FEED_MAX));
      renderFeed();
    }
  }

  function startFeed() {
    catchUp();
    const source = new EventSource("api/feed");
    feedSource = source;
    setConn("connecting");
    source.addEventListener("open", () => {
      setConn("live");
      catchUp();
    });
    source.addEventListener("error", () => {
      if (locked) return;
      setConn("reconnecting");
      refreshNow(); // tells a restarted proxy (new key) from a dropped connection
    });
    source.addEventListener("request", (event) => {
      addRecord(JSON.parse(event.data));
      scheduleUsage();
      if (document.visibilityState === "visible") refreshNowSoon();
    });
  }

  // ---------- Usage ----------
  let usage = null;
  let charts = [];
  let usageTimer = 0;

  let usageCostMs = 0;

  /** Refreshes usage soon after new requests, never more than a fifth of the time on it. */
  function scheduleUsage() {
    if (usageTimer || locked) return;
    usageTimer = setTimeout(() => {
      usageTimer = 0;
      refreshUsage();
    }, Math.max(2000, usageCostMs * 5));
  }

  async function refreshUsage() {
    try {
      const t0 = performance.now();
      usage = await getJson("api/usage");
      usageCostMs = performance.now() - t0;
      ttfb = usage.ttfb_by_upstream ?? {};
      renderUsage();
      renderNow();
    } catch (error) {
      showError($("#chart-hourly"), t("usage"), error);
    }
  }

  function topKeys(breakdown, limit) {
    return breakdown.totals.slice().sort((a, b) => b.total_tokens - a.total_tokens)
      .slice(0, limit).map((r) => r.key);
  }

  function chartWidth(node) {
    return Math.max(200, node.clientWidth || 800);
  }

  function renderUsage() {
    if (!usage) return;
    const by = $("#u-by").value;
    const breakdown = usage.by[by];
    const h = usage.last_hour;
    $("#burn").textContent = t("burn", {
      tokens: fmtInt(h.total_tokens),
      requests: fmtInt(h.requests),
      rate: fmtInt(h.tokens_per_minute),
    });
    for (const chart of charts) chart.destroy();
    charts = [];
    const keys = topKeys(breakdown, COLORS.length);
    const uPlot = globalThis.uPlot;
    if (uPlot) {
      const hourly = $("#chart-hourly");
      const hourX = usage.hours.map((ms) => ms / 1000);
      charts.push(stackedChart(uPlot, hourly, keys, hourX, keys.map((k) => breakdown.hourly[k]), {
        height: 220,
      }));
      const daily = $("#chart-daily");
      const dayX = usage.days.map((d) => new Date(`${d}T12:00:00`).getTime() / 1000);
      charts.push(stackedChart(uPlot, daily, keys, dayX, keys.map((k) => breakdown.daily[k]), {
        height: 200,
        bars: true,
      }));
    }
    $("#usage-totals tbody").replaceChildren(
      ...breakdown.totals.map((r) =>
        el("tr", {}, [
          el("td", { className: by === "upstream" ? "url" : "", text: r.key }),
          el("td", { className: "num", text: fmtInt(r.requests) }),
          el("td", { className: "num", text: fmtInt(r.errors) }),
          el("td", { className: "num", text: fmtInt(r.input_tokens) }),
          el("td", { className: "num", text: fmtInt(r.cached_input_tokens) }),
          el("td", { className: "num", text: fmtInt(r.output_tokens) }),
          el("td", { className: "num", text: fmtInt(r.reasoning_tokens) }),
          el("td", { className: "num", text: fmtInt(r.total_tokens) }),
          el("td", { className: "num", text: fmtMs(r.median_duration_ms) }),
        ])
      ),
    );
  }

  /**
   * A stacked chart: series i draws the sum of keys i..n-1, so the first (the total) is at the
   * back and each key's band shows; the legend shows each key's own value.
   */
  function stackedChart(uPlot, node, keys, xs, rows, options) {
    node.replaceChildren();
    const stacked = rows.map((_, i) =>
      xs.map((_, j) => rows.slice(i).reduce((sum, row) => sum + (row[j] ?? 0), 0))
    );
    const color = (i) => COLORS[i % COLORS.length];
    const bars = options.bars ? uPlot.paths.bars({ size: [0.7, 80], align: 0 }) : undefined;
    const day = 86_400;
    return new uPlot(
      {
        width: chartWidth(node),
        height: options.height,
        cursor: { points: { show: !options.bars } },
        scales: options.bars
          ? { x: { time: true, range: () => [xs[0] - day / 2, xs[xs.length - 1] + day / 2] } }
          : {},
        series: [
          {
            label: t("time"),
            value: (_, v) =>
              v === null
                ? "–"
                : options.bars
                ? new Date(v * 1000).toLocaleDateString(LOCALE)
                : new Date(v * 1000).toLocaleString(LOCALE, { hour12: false }),
          },
          ...keys.map((label, i) => ({
            label,
            stroke: color(i),
            fill: `${color(i)}${options.bars ? "cc" : "55"}`,
            width: options.bars ? 0 : 1,
            points: { show: false },
            ...(bars ? { paths: bars } : {}),
            value: (_, _v, _s, idx) => idx === null ? "–" : fmtInt(rows[i][idx]),
          })),
        ],
        axes: [
          options.bars
            ? {
              splits: () => xs,
              // a narrow chart labels every other day, so the dates do not run together
              values: (u, ticks) =>
                ticks.map((v, i) =>
                  u.width < 480 && (ticks.length - 1 - i) % 2 !== 0
                    ? ""
                    : new Date(v * 1000).toLocaleDateString(LOCALE, {
                      month: "2-digit",
                      day: "2-digit",
                    })
                ),
            }
            : { values: (_, ticks) => ticks.map(hourTick), size: 44 },
          { values: (_, ticks) => ticks.map(compact), size: 50 },
        ],
      },
      [xs, ...stacked],
      node,
    );
  }

  /** An hour axis label: the date at midnight, else the hour (24 h clock in both languages). */
  function hourTick(secs) {
    const d = new Date(secs * 1000);
    if (d.getHours() === 0) {
      return d.toLocaleDateString(LOCALE, { month: "2-digit", day: "2-digit" });
    }
    return `${String(d.getHours()).padStart(2, "0")}:00`;
  }

  function compact(n) {
    if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
    if (n >= 1e3) return `${(n / 1e3).toFixed(0)}k`;
    return String(n);
  }

  $("#u-by").addEventListener("change", renderUsage);
  let resizeTimer = 0;
  globalThis.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(renderUsage, 200);
  });

  // ---------- timers: the page asks only while it is visible ----------
  function every(ms, fn) {
    setInterval(() => {
      if (document.visibilityState === "visible" && !locked) fn();
    }, ms);
  }

  refreshNow();
  refreshSwitches();
  refreshUsage();
  startFeed();
  every(NOW_EVERY_MS, refreshNow);
  every(1000, renderNow); // cooldowns and elapsed times count down between polls
  every(USAGE_EVERY_MS, refreshUsage);
  every(SWITCHES_EVERY_MS, refreshSwitches);
})();
