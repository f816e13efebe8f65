// deno-lint-ignore-file no-console
/**
 * Proxy benchmark, side by side in one run against a fake SSE upstream (a Codex-like turn of 36
 * events, one write each): direct, nginx (`proxy_buffering off`, when installed), a minimal
 * Deno.serve+fetch passthrough, the same reading the reply in JS (the floor for a proxy that
 * reads usage), and codex-helper (`main.ts serve`). Reports added latency (sequential p50/p99), requests/s at 16
 * concurrent, and RSS idle / with 200 open slow streams / after many requests.
 *
 * Usage: deno run -A scripts/bench/proxy_bench.ts [--seq 2000] [--secs 5] [--soak 100000] [--short]
 * Loopback only; every loop is bounded in count and time.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const arg = (name: string, fallback: number): number => {
  const i = Deno.args.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(Deno.args[i + 1]);
};
const SEQ = arg("seq", 2000);
const SECS = arg("secs", 5);
const SOAK = arg("soak", 100_000);
const CONCURRENCY = 16;
const SLOW_STREAMS = 200;
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const BODY = JSON.stringify({ model: "bench-model", stream: true, input: "x".repeat(2000) });

interface Target {
  name: string;
  url: string;
  pid?: number;
  stop(): Promise<void>;
}

async function spawnWithPort(cmd: string, args: string[], env: Record<string, string> = {}) {
  const child = new Deno.Command(cmd, {
    args,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  const deadline = Date.now() + 30_000;
  while (!/(port |127\.0\.0\.1:)\d+/.test(out) && Date.now() < deadline) {
    const { done, value } = await reader.read();
    if (done) break;
    out += value;
  }
  const port = Number(out.match(/(?:port |127\.0\.0\.1:)(\d+)/)?.[1]);
  if (!port) throw new Error(`${cmd} did not print a port: ${out}`);
  const drain = (async () => {
    while (!(await reader.read()).done) { /* keep the pipe flowing */ }
  })().catch(() => {});
  return {
    port,
    pid: child.pid,
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      await child.status;
      await drain;
    },
  };
}

/** Keeps the module cache of this process for a child whose HOME is a temp folder. */
function cacheEnv(): Record<string, string> {
  const dir = Deno.env.get("DENO_DIR") ??
    join(Deno.env.get("XDG_CACHE_HOME") ?? join(Deno.env.get("HOME") ?? "", ".cache"), "deno");
  return { DENO_DIR: dir };
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function startNginx(upstreamPort: number, dir: string): Promise<Target | undefined> {
  const nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((p) => {
    try {
      return Deno.statSync(p).isFile;
    } catch {
      return false;
    }
  });
  if (!nginx) return undefined;
  const port = freePort();
  const conf = join(dir, "nginx.conf");
  await Deno.writeTextFile(
    conf,
    `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  upstream up { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 64m;
    location / {
      proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_buffering off; proxy_request_buffering off; proxy_read_timeout 300s;
    }
  }
}
`,
  );
  const child = new Deno.Command(nginx, { args: ["-c", conf, "-p", dir, "-e", `${dir}/error.log`] })
    .spawn();
  for (let i = 0; i < 100; i++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    name: "nginx (proxy_buffering off)",
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

async function one(url: string): Promise<void> {
  const res = await fetch(`${url}/v1/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-test-bench-client" },
    body: BODY,
  });
  const text = await res.text();
  if (res.status !== 200 || !text.includes("response.completed")) {
    throw new Error(`bad reply ${res.status}`);
  }
}

async function sequential(url: string, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await one(url);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

async function concurrent(url: string, secs: number): Promise<number> {
  const end = performance.now() + secs * 1000;
  let count = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < end) {
      await one(url);
      count++;
    }
  }));
  return count / secs;
}

async function requests(url: string, total: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next++ < total) await one(url);
  }));
}

/** The process and its direct children (nginx's workers). */
function family(pid: number): number[] {
  try {
    const kids = Deno.readTextFileSync(`/proc/${pid}/task/${pid}/children`).trim();
    return [pid, ...(kids === "" ? [] : kids.split(" ").map(Number))];
  } catch {
    return [pid];
  }
}

function rssMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  let kb = 0;
  try {
    for (const p of family(pid)) {
      kb += Number(Deno.readTextFileSync(`/proc/${p}/status`).match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
    }
  } catch {
    return null;
  }
  return Math.round(kb / 102.4) / 10;
}

/** CPU time (user + system) of a process, in ms. */
function cpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  let ticks = 0;
  try {
    for (const p of family(pid)) {
      const fields = Deno.readTextFileSync(`/proc/${p}/stat`).split(") ")[1]!.split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    }
  } catch {
    return null;
  }
  return ticks * 10;
}

async function slowStreams(url: string, n: number): Promise<() => void> {
  const aborts: AbortController[] = [];
  await Promise.all(Array.from({ length: n }, async () => {
    const c = new AbortController();
    aborts.push(c);
    const res = await fetch(`${url}/slow`, { method: "POST", body: "{}", signal: c.signal });
    const reader = res.body!.getReader();
    await reader.read();
    (async () => {
      while (!(await reader.read()).done) { /* hold it open */ }
    })().catch(() => {});
  }));
  return () => aborts.forEach((c) => c.abort());
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const fmt = (n: number | null) => n === null ? "-" : n.toFixed(n < 10 ? 3 : 1);

const dir = await Deno.makeTempDir({ prefix: "codex-helper-bench-" });
const upstream = await spawnWithPort(Deno.execPath(), [
  "run",
  "-A",
  here("./fake_sse_upstream.ts"),
  ...(Deno.args.includes("--short") ? ["--short"] : []),
]);
const upstreamUrl = `http://127.0.0.1:${upstream.port}`;
const targets: Target[] = [{ name: "direct", url: upstreamUrl, stop: async () => {} }];
const nginx = await startNginx(upstream.port, dir);
if (nginx) targets.push(nginx);
const minimal = await spawnWithPort(Deno.execPath(), [
  "run",
  "-A",
  here("./minimal_passthrough.ts"),
  upstreamUrl,
]);
targets.push({
  name: "Deno.serve+fetch passthrough",
  url: `http://127.0.0.1:${minimal.port}`,
  pid: minimal.pid,
  stop: minimal.stop,
});
const minimalTap = await spawnWithPort(Deno.execPath(), [
  "run",
  "-A",
  here("./minimal_passthrough.ts"),
  upstreamUrl,
  "--tap",
]);
targets.push({
  name: "Deno.serve+fetch, body read in JS",
  url: `http://127.0.0.1:${minimalTap.port}`,
  pid: minimalTap.pid,
  stop: minimalTap.stop,
});
await Deno.mkdir(join(dir, "home", ".codex-proxy"), { recursive: true });
await Deno.writeTextFile(
  join(dir, "home", ".codex-proxy", "config.json"),
  JSON.stringify({
    codex: {
      active: "bench",
      configs: {
        bench: {
          upstreams: [{
            base_url: `${upstreamUrl}/v1`,
            auth: { auth_token: "sk-test-bench-upstream" },
          }],
        },
      },
    },
  }),
);
const helper = await spawnWithPort(
  Deno.execPath(),
  ["run", "-A", here("../../main.ts"), "serve", "--port", "0"],
  { HOME: join(dir, "home"), PATH: Deno.env.get("PATH") ?? "", ...cacheEnv() },
);
targets.push({
  name: "codex-helper",
  url: `http://127.0.0.1:${helper.port}`,
  pid: helper.pid,
  stop: helper.stop,
});

const rows: string[] = [];
let directP50 = 0;
let directP99 = 0;
let minimalRps = 0;
try {
  for (const t of targets) {
    const idle = rssMb(t.pid);
    // streams first, on a fresh process: the load phases below grow the heap
    const stopSlow = await slowStreams(t.url, SLOW_STREAMS);
    const withStreams = rssMb(t.pid);
    stopSlow();
    await sequential(t.url, 300); // warm-up
    const lat = await sequential(t.url, SEQ);
    const p50 = pct(lat, 0.5);
    const p99 = pct(lat, 0.99);
    if (t.name === "direct") [directP50, directP99] = [p50, p99];
    const cpu0 = cpuMs(t.pid);
    const rps = await concurrent(t.url, SECS);
    const cpu1 = cpuMs(t.pid);
    const cpuPerReq = cpu0 === null || cpu1 === null ? null : ((cpu1 - cpu0) * 1000) / (rps * SECS);
    if (t.name === "Deno.serve+fetch passthrough") minimalRps = rps;
    let soak = "-";
    if (t.name === "codex-helper" && SOAK > 0) {
      // flat memory: RSS after the first tenth of the soak vs after all of it
      await requests(t.url, Math.floor(SOAK / 10));
      const early = rssMb(t.pid);
      await requests(t.url, SOAK - Math.floor(SOAK / 10));
      soak = `${fmt(early)} -> ${fmt(rssMb(t.pid))}`;
    }
    const added = t.name === "direct" ? "-" : `${fmt(p50 - directP50)} / ${fmt(p99 - directP99)}`;
    const ratio = minimalRps > 0 && t.name !== "Deno.serve+fetch passthrough"
      ? ` (${Math.round((rps / minimalRps) * 100)}% of passthrough)`
      : "";
    const cpuCell = cpuPerReq === null ? "-" : String(Math.round(cpuPerReq));
    const cells = [
      t.name,
      `${fmt(p50)} / ${fmt(p99)}`,
      added,
      `${Math.round(rps)}${ratio}`,
      cpuCell,
    ];
    cells.push(fmt(idle), fmt(withStreams), soak);
    rows.push(`| ${cells.join(" | ")} |`);
    console.error(`done: ${t.name}`);
  }
} finally {
  for (const t of targets) await t.stop();
  await upstream.stop();
  await Deno.remove(dir, { recursive: true }).catch(() => {});
}
console.log(
  `Sequential requests: ${SEQ}; concurrency ${CONCURRENCY} for ${SECS} s; ${SLOW_STREAMS} slow streams; soak ${SOAK} requests.`,
);
console.log(
  "| target | latency p50 / p99 (ms) | added p50 / p99 (ms) | req/s @16 | proxy CPU µs/req | RSS idle (MB) | RSS 200 streams (MB) | RSS soak 10% -> 100% (MB) |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
for (const r of rows) console.log(r);
