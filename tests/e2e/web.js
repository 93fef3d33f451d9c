// web.js PAGE.html RAW.txt EPOCH.safetensors GIVEN.safetensors SEED OUTDIR - netc --emit web's page in
// headless Chromium, driven over the DevTools protocol with Node's own WebSocket (run
// with node --experimental-websocket; nothing from npm).  Checks, one "ok:" line each:
//   a vertical stroke drawn with real mouse events is classified 1;
//   each test digit of the page gets the class and outputs (within 1e-5) of the native
//   `predict --raw` (RAW.txt: one line per MNIST test image);
//   one epoch of the page's training subset from seed SEED lowers the test loss and
//   gives the native trainer's weights within float rounding, those of `train --limit
//   --seed` (EPOCH.safetensors), with NAME_relaxed.wasm (relaxed SIMD, fused as
//   natively) where the page has it, and NAME.wasm (SIMD, no FMA) as a browser without
//   relaxed SIMD runs it; with NAME_relaxed.wasm also from the page's given weights,
//   those of `train --init-weights` (GIVEN.safetensors);
//   the page logs no errors.
// Writes OUTDIR/web-draw.png and OUTDIR/web-train.png.  Exit 0: all passed.
"use strict";
const fs = require("fs");
const path = require("path");
const { spawn } = require("child_process");

const [pagePath, rawPath, epochPath, givenPath, seedText, outDir] = process.argv.slice(2);
const fail = (msg) => { console.error(`FAIL: ${msg}`); process.exitCode = 1; throw new Error(msg); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function launch() {
  const profile = fs.mkdtempSync(path.join(outDir, "chromium-"));
  const browser = spawn(process.env.CHROMIUM || "chromium", [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--remote-debugging-port=0", "--window-size=1500,1150", `--user-data-dir=${profile}`, "about:blank"],
    { stdio: ["ignore", "ignore", "pipe"] });
  const portFile = path.join(profile, "DevToolsActivePort");
  for (let i = 0; i < 300 && !fs.existsSync(portFile); i++) await sleep(100);
  const port = fs.readFileSync(portFile, "utf8").split("\n")[0];
  // The port file can come before the listener: retry for up to 10 s.
  let targets = null;
  for (let i = 0; !targets; i++) {
    try { targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json(); }
    catch (e) { if (i >= 100) { browser.kill(); throw e; } await sleep(100); }
  }
  const page = targets.find((t) => t.type === "page");
  return { browser, url: page.webSocketDebuggerUrl };
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
    } else if (msg.method) {
      listeners.forEach((f) => f(msg));
    }
  };
  const send = (method, params = {}) => new Promise((resolve, reject) => {
    const id = next++;
    pending.set(id, { resolve, reject });
    ws.send(JSON.stringify({ id, method, params }));
  });
  return new Promise((resolve) => { ws.onopen = () => resolve({ send, on: (f) => listeners.push(f), ws }); });
}

// The largest |page - native| over every weight and bias, the page's param block against
// a safetensors file's tensors: W[units][fan_in] in the file (a conv layer's [filters,
// C, KH, KW] is that too), W^T[fan_in][units] in the page.
function weightsDiff(params, model, file) {
  const st = fs.readFileSync(file), hlen = Number(st.readBigUInt64LE(0));
  const header = JSON.parse(st.subarray(8, 8 + hlen).toString("utf8")), data = st.subarray(8 + hlen);
  const tensor = (name) => {
    const t = header[name], [a, b] = t.data_offsets;
    return new Float32Array(data.buffer.slice(data.byteOffset + a, data.byteOffset + b));
  };
  let diff = 0, peak = 0, at = "";
  for (const L of model.layers.filter((L) => L.wt >= 0)) {
    const W = tensor(`${L.name}.weight`), B = tensor(`${L.name}.bias`);
    for (let o = 0; o < L.units; o++) {
      for (let i = 0; i < L.fan_in; i++) {
        const d = Math.abs(params[L.wt + i * L.units + o] - W[o * L.fan_in + i]);
        if (d > diff) { diff = d; at = `${L.name}.weight[${o}, ${i}]`; }
        peak = Math.max(peak, Math.abs(W[o * L.fan_in + i]));
      }
      if (Math.abs(params[L.b + o] - B[o]) > diff) { diff = Math.abs(params[L.b + o] - B[o]); at = `${L.name}.bias[${o}]`; }
    }
  }
  return { diff, at, peak };
}

// The page's weights now against the native trainer's after the same epoch (FILE).
async function sameWeights(js, simd, from, file) {
  const params = await js("window.netc.params()"), model = await js("window.netc.model");
  const { diff, at, peak } = weightsDiff(params, model, file);
  const tolerance = Number(process.env.WEB_WEIGHTS_TOLERANCE || 1e-5);
  if (!(diff <= tolerance)) fail(`weights after one epoch from ${from} (WebAssembly ${simd}) differ from the native trainer's by ${diff} at ${at} (largest |w| ${peak})`);
  console.log(`ok: weights after one epoch from ${from} (WebAssembly ${simd}; shuffled, batch ${model.batch}, ${model.n_train} samples): ` +
              `max |page - native| = ${diff.toExponential(2)}${at ? ` at ${at}` : ""} (largest |w| ${peak.toFixed(2)}; tolerance ${tolerance})`);
}

// One epoch of the page's subset from SEED's weights: the test loss falls, and the
// weights are those of the native trainer's `train --seed` (EPOCH.safetensors) within
// float rounding: the same initial bytes (the generated init uses no libm), the same
// arithmetic where the module is relaxed SIMD (fused multiply-adds, as natively).
// Relaxed SIMD first from the page's given weights, as `train --init-weights` starts.
async function epochCheck(js, simd) {
  const seed = Number(seedText);
  if (simd === "relaxed SIMD") {
    await js(`window.netc.start(${seed}, true, true)`);
    await js("window.netc.epoch()");
    await sameWeights(js, simd, "the given weights", givenPath);
  }
  await js(`window.netc.start(${seed}, false, true)`);
  const before = await js("window.netc.test()");
  const t0 = Date.now();
  const after = await js("window.netc.epoch()");
  const secs = (Date.now() - t0) / 1000;
  if (!(after.loss < before.loss)) fail(`one epoch: test loss ${before.loss} -> ${after.loss}`);
  console.log(`ok: one epoch in the page from seed ${seed}, WebAssembly ${simd} (${secs.toFixed(2)} s): test loss ${before.loss.toFixed(4)} -> ${after.loss.toFixed(4)}, accuracy ${(100 * before.acc).toFixed(1)} % -> ${(100 * after.acc).toFixed(1)} %`);
  await sameWeights(js, simd, `seed ${seed}`, epochPath);
}

async function main() {
  const { browser, url } = await launch();
  const cdp = await connect(url);
  const errors = [];
  cdp.on((m) => {
    if (m.method === "Runtime.exceptionThrown") errors.push(m.params.exceptionDetails.exception?.description || m.params.exceptionDetails.text);
    if (m.method === "Runtime.consoleAPICalled" && (m.params.type === "error" || m.params.type === "warning"))
      errors.push(m.params.args.map((a) => a.value ?? a.description).join(" "));
    if (m.method === "Log.entryAdded" && m.params.entry.level === "error") errors.push(m.params.entry.text);
  });
  const js = async (expr) => {
    const r = await cdp.send("Runtime.evaluate", { expression: expr, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails) fail(`${expr}: ${r.exceptionDetails.exception?.description}`);
    return r.result.value;
  };
  const frame = () => js("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))");
  const shot = async (name) => {
    const r = await cdp.send("Page.captureScreenshot", { format: "png", captureBeyondViewport: true });
    fs.writeFileSync(path.join(outDir, name), Buffer.from(r.data, "base64"));
  };
  try {
    await cdp.send("Runtime.enable");
    await cdp.send("Log.enable");
    await cdp.send("Page.enable");
    await cdp.send("Emulation.setDeviceMetricsOverride", { width: 1500, height: 1150, deviceScaleFactor: 1, mobile: false });
    const open = async () => {
      await cdp.send("Page.navigate", { url: "file://" + path.resolve(pagePath) });
      let ready = false;
      for (let i = 0; i < 300 && !ready; i++) {
        await sleep(100);
        ready = await js("Boolean(window.netc && window.netc.ready)");
      }
      if (!ready) fail(`the page did not start: ${errors.join("; ")}`);
    };
    await open();

    // A vertical stroke, with the mouse.
    const pad = await js("(() => { const r = document.getElementById('pad').getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()");
    const x = pad[0] + pad[2] / 2, y0 = pad[1] + pad[3] * 0.15, y1 = pad[1] + pad[3] * 0.85;
    await cdp.send("Input.dispatchMouseEvent", { type: "mousePressed", x, y: y0, button: "left", buttons: 1, clickCount: 1 });
    for (let k = 1; k <= 20; k++)
      await cdp.send("Input.dispatchMouseEvent", { type: "mouseMoved", x, y: y0 + (y1 - y0) * k / 20, button: "left", buttons: 1 });
    await cdp.send("Input.dispatchMouseEvent", { type: "mouseReleased", x, y: y1, button: "left", buttons: 0, clickCount: 1 });
    await frame();
    const stroke = await js("window.netc.shown()");
    const ink = await js("window.netc.drawn().filter((v) => v > 0).length");
    if (stroke.class !== 1) fail(`a vertical stroke is classified ${stroke.class}, not 1 (outputs ${stroke.outputs})`);
    console.log(`ok: a vertical stroke drawn with the mouse (${ink} pixels of ink in 28 x 28) is classified 1`);
    await shot("web-draw.png");

    // The test digits against the native predict --raw.
    const raw = fs.readFileSync(rawPath, "utf8").trim().split("\n").map((l) => l.trim().split(/\s+/).map(Number));
    const digits = await js("window.netc.digits");
    let worst = 0;
    for (const i of digits) {
      const r = await js(`window.netc.classify(window.netc.image(${i}))`);
      const native = raw[i], best = native.indexOf(Math.max(...native));
      if (r.class !== best) fail(`test image ${i}: the page says ${r.class}, predict ${best}`);
      r.outputs.forEach((v, k) => { worst = Math.max(worst, Math.abs(v - native[k])); });
    }
    if (!(worst <= 1e-5)) fail(`test digits: outputs differ from predict --raw by ${worst}`);
    console.log(`ok: ${digits.length} test digits (${digits.join(" ")}): the class of predict, outputs within ${worst.toExponential(2)} (<= 1e-5)`);
    await js(`document.querySelector('#digits button').click()`);

    // One epoch of training in the page against the native trainer's, with the module
    // this browser runs: NAME_relaxed.wasm where the page has it (netc built it with
    // clang 16 or later) and Chromium validates it.
    const hasRelaxed = await js("document.getElementById('netc-wasm-relaxed').textContent.trim().length > 0");
    const simd = await js("window.netc.simd");
    if (hasRelaxed && simd !== "relaxed SIMD") fail(`the page has NAME_relaxed.wasm but runs WebAssembly ${simd}`);
    await epochCheck(js, simd);
    await js("document.getElementById('run').click()");
    await sleep(1500);
    await js("document.getElementById('run').click()");
    await frame();
    const blank = await js(`["net", "curves", "weights", "input"].filter((id) => {
      const c = document.getElementById(id), d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let lit = 0; for (let i = 3; i < d.length; i += 4) lit += d[i] > 0; return lit < 50; })`);
    if (blank.length) fail(`blank canvases: ${blank.join(" ")}`);
    await shot("web-train.png");
    if (errors.length) fail(`the page logged errors: ${errors.join("; ")}`);
    console.log("ok: the page logged no errors; canvases drawn; screenshots web-draw.png, web-train.png");

    // As in a browser without relaxed SIMD (WebAssembly.validate refuses the module): the
    // page runs NAME.wasm, and its epoch is the native trainer's too.
    if (hasRelaxed) {
      await cdp.send("Page.addScriptToEvaluateOnNewDocument", { source: "WebAssembly.validate = () => false;" });
      await open();
      const fallback = await js("window.netc.simd");
      if (fallback !== "SIMD") fail(`without relaxed SIMD the page runs WebAssembly ${fallback}`);
      await epochCheck(js, fallback);
      if (errors.length) fail(`the page logged errors: ${errors.join("; ")}`);
    }
  } finally {
    cdp.ws.close();
    browser.kill();
  }
}

main().catch((e) => { if (!process.exitCode) console.error(`FAIL: ${e.stack || e}`); process.exitCode = 1; });
