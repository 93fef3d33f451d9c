// drive.js ROOT WORK OUT_PREFIX - bench/web.sh's driver: serves ROOT (bench.html,
// bench.js, the netc pages' .wasm, node_modules, mnist/) on 127.0.0.1 only, opens
// bench.html in headless Chromium over the DevTools protocol (Node's own WebSocket), runs
// for each network the native trainer's `bench` (WORK/native-NET/NET, its output into
// WORK/native/NET.txt) and right after it window.bench.run(tool, net) for every tool, so
// that the page and the native trainer run seconds apart on a machine whose load moves,
// and writes OUT_PREFIX.md and OUT_PREFIX.json.
"use strict";
const fs = require("fs");
const http = require("http");
const os = require("os");
const path = require("path");
const { spawn, execFileSync } = require("child_process");

const [rootArg, work, outPrefix] = process.argv.slice(2);
const nativeDir = path.join(work, "native");
const root = path.resolve(rootArg);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const NETS = ["mnist", "mnist_relu"];
const TOOLS = (process.env.BENCH_WEB_TOOLS || "netc netc-simd tfjs-wasm tfjs-cpu convnetjs brainjs").split(/\s+/);
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };

function serve() {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = path.join(root, path.normalize(rel));
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404); res.end(); return;
    }
    res.writeHead(200, { "Content-Type": TYPES[path.extname(file)] || "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "netc-bench-web-"));
  const browser = spawn(process.env.CHROMIUM || "chromium", [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--remote-debugging-port=0", `--user-data-dir=${profile}`, "about:blank"],
    { stdio: ["ignore", "ignore", "ignore"] });
  const portFile = path.join(profile, "DevToolsActivePort");
  for (let i = 0; i < 300 && !fs.existsSync(portFile); i++) await sleep(100);
  const port = fs.readFileSync(portFile, "utf8").split("\n")[0];
  // The port file can come before the listener: retry for up to 10 s.
  let targets = null;
  for (let i = 0; !targets; i++) {
    try { targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json(); }
    catch (e) { if (i >= 100) { browser.kill(); throw e; } await sleep(100); }
  }
  return { browser, profile, url: targets.find((t) => t.type === "page").webSocketDebuggerUrl };
}

function connect(url) {
  const ws = new WebSocket(url), pending = new Map(), listeners = [];
  let next = 1;
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.id && pending.has(msg.id)) {
      const { resolve, reject } = pending.get(msg.id);
      pending.delete(msg.id);
      msg.error ? reject(new Error(JSON.stringify(msg.error))) : resolve(msg.result);
    } else if (msg.method) listeners.forEach((f) => f(msg));
  };
  const send = (method, params = {}) => new Promise((resolve, reject) => {
    const id = next++;
    pending.set(id, { resolve, reject });
    ws.send(JSON.stringify({ id, method, params }));
  });
  return new Promise((resolve) => { ws.onopen = () => resolve({ send, on: (f) => listeners.push(f), ws }); });
}

// The native trainer's `bench` output: "key value" lines.
function nativeRow(net) {
  const kv = {};
  for (const line of fs.readFileSync(path.join(nativeDir, `${net}.txt`), "utf8").split("\n")) {
    const m = line.match(/^(\S+)\s+(.*)$/);
    if (m) kv[m[1]] = m[2];
  }
  const r = (k) => ({ median: Number(kv[`${k}_median`]), min: Number(kv[`${k}_min`]), max: Number(kv[`${k}_max`]) });
  return { tool: "native", net, batch: Number(kv.batch), train: r("train_samples_per_s"),
           infer_batched: r("infer_batched_samples_per_s"), infer_single: r("infer_single_samples_per_s") };
}

const LABEL = { native: "netc, native trainer (`bench`, 1 thread)", netc: "**netc page** (wasm, relaxed SIMD)",
  "netc-simd": "netc page, SIMD only (a browser without relaxed SIMD)",
  "tfjs-wasm": "TensorFlow.js, wasm backend", "tfjs-cpu": "TensorFlow.js, cpu backend",
  convnetjs: "ConvNetJS", brainjs: "brain.js" };

function fmt(r) {
  if (!r) return "n/a";
  const k = (v) => v >= 1e4 ? `${(v / 1e3).toFixed(0)} k` : v >= 1e3 ? `${(v / 1e3).toFixed(1)} k` : v.toFixed(0);
  return `${k(r.median)} (${k(r.min)}–${k(r.max)})`;
}
const ratio = (a, b) => (a && b ? `${(a.median / b.median).toFixed(a.median / b.median < 10 ? 2 : 0)}×` : "n/a");

function table(rows, version) {
  const out = [];
  out.push(`| network | tool | training samples/s | inference, batched | inference, 1 per call | page / tool: training | batched | 1 per call |`);
  out.push(`|---|---|---|---|---|---|---|---|`);
  for (const net of NETS) {
    const page = rows.find((r) => r.net === net && r.tool === "netc");
    for (const r of rows.filter((x) => x.net === net)) {
      const rs = r.tool === "netc" ? ["", "", ""] : r.error ? ["", "", ""]
        : [ratio(page?.train, r.train), ratio(page?.infer_batched, r.infer_batched), ratio(page?.infer_single, r.infer_single)];
      const cells = r.error ? [`failed: ${r.error}`, "", ""] : [fmt(r.train), fmt(r.infer_batched), fmt(r.infer_single)];
      out.push(`| ${net} | ${LABEL[r.tool]} | ${cells.join(" | ")} | ${rs.join(" | ")} |`);
    }
  }
  out.push("");
  out.push(`Median (min–max) of 3 repetitions; samples/s. ${version}`);
  return out.join("\n") + "\n";
}

async function main() {
  const server = await serve();
  const port = server.address().port;
  const { browser, profile, url } = await launch();
  const cdp = await connect(url);
  const errors = [];
  cdp.on((m) => {
    if (m.method === "Runtime.exceptionThrown") errors.push(m.params.exceptionDetails.exception?.description || m.params.exceptionDetails.text);
  });
  const js = async (expr) => {
    const r = await cdp.send("Runtime.evaluate", { expression: expr, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description || r.exceptionDetails.text);
    return r.result.value;
  };
  const rows = [];
  try {
    await cdp.send("Runtime.enable");
    await cdp.send("Page.enable");
    await cdp.send("Page.navigate", { url: `http://127.0.0.1:${port}/bench.html` });
    let ready = false;
    for (let i = 0; i < 300 && !ready; i++) { await sleep(100); ready = await js("Boolean(window.bench && window.bench.ready)").catch(() => false); }
    if (!ready) throw new Error(`bench.html did not load: ${errors.join("; ")}`);
    const version = await js("navigator.userAgent.match(/(Headless)?Chrome\\/[\\d.]+/)[0]");
    for (const net of NETS) {
      console.log(`bench/web: native ${net}`);
      fs.mkdirSync(nativeDir, { recursive: true });
      fs.writeFileSync(path.join(nativeDir, `${net}.txt`), execFileSync(path.join(work, `native-${net}`, net),
        ["bench", "--data", "data/mnist", "--epochs", "3", "--warmup", "1", "--threads", "1"]));
      rows.push(nativeRow(net));
      for (const tool of TOOLS) {
        let r;
        try { r = await js(`window.bench.run(${JSON.stringify(tool)}, ${JSON.stringify(net)})`); }
        catch (e) { r = { tool, net, error: String(e.message).split("\n")[0] }; }
        rows.push(r);
        console.log(`${net} ${tool}: ${r.error ? "failed: " + r.error : `train ${fmt(r.train)}, batched ${fmt(r.infer_batched)}, single ${fmt(r.infer_single)}`}`);
      }
    }
    const cpu = os.cpus()[0]?.model || "?";
    const env = `${version}, Node ${process.version}; ${cpu}, ${os.cpus().length} cores; load average ${os.loadavg().map((v) => v.toFixed(2)).join(" ")} at the end.`;
    fs.writeFileSync(`${outPrefix}.md`, table(rows, env));
    fs.writeFileSync(`${outPrefix}.json`, JSON.stringify({ environment: env, rows }, null, 1) + "\n");
  } finally {
    cdp.ws.close();
    browser.kill();
    server.close();
    await new Promise((r) => browser.once("exit", r));
    fs.rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
  }
}

main().catch((e) => { console.error(`bench/web: ${e.stack || e}`); process.exitCode = 1; });
