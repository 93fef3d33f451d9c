// page.js - the page's behaviour (embedded into NAME.html by netc --emit web; docs/web.md).
// All the network's arithmetic happens in the WebAssembly module compiled from netc's C
// (NAME.c and NAME_web.c); this file draws, reads the pointer and runs the loop.
"use strict";
(async function () {
  const $ = (id) => document.getElementById(id);
  const model = JSON.parse($("netc-model").textContent);
  const SIDE = 28, PIXELS = SIDE * SIDE, CLASSES = 10;
  const BLUE = [33, 102, 172], RED = [178, 24, 43];

  function blob(id) {
    const text = atob($(id).textContent.replace(/\s+/g, ""));
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }

  // ---- the module ------------------------------------------------------------------
  // NAME_relaxed.wasm (relaxed SIMD: fused multiply-adds where the processor has them)
  // where this browser validates it, else NAME.wasm (SIMD: every current browser).
  const relaxed = blob("netc-wasm-relaxed");
  const simd = relaxed.length > 0 && WebAssembly.validate(relaxed) ? "relaxed SIMD" : "SIMD";
  const { instance } = await WebAssembly.instantiate(simd === "SIMD" ? blob("netc-wasm") : relaxed, {});
  const wasm = instance.exports;
  if (wasm._initialize) wasm._initialize();
  const bytesAt = (ptr, n) => new Uint8Array(wasm.memory.buffer, ptr, n);
  const floatsAt = (ptr, n) => new Float32Array(wasm.memory.buffer, ptr, n);
  const given = blob("netc-weights");
  const testImages = blob("netc-test-images"), testLabels = blob("netc-test-labels");
  bytesAt(wasm.train_images(), model.n_train * PIXELS).set(blob("netc-train-images"));
  bytesAt(wasm.train_labels(), model.n_train).set(blob("netc-train-labels"));
  bytesAt(wasm.test_images(), model.n_test * PIXELS).set(testImages);
  bytesAt(wasm.test_labels(), model.n_test).set(testLabels);
  const params = () => floatsAt(wasm.param(), model.params);
  const layers = model.layers;
  const last = layers[layers.length - 1];

  // ---- the run: weights, data order, learning rate ----------------------------------
  // n: the samples of an epoch, the first n of the embedded subset (all of it, unless a
  // script asks for fewer, as `NAME train --limit n` would).
  const run = { n: model.n_train, epoch: 0, pos: 0, steps: 0, running: false, lossSum: 0,
                lossN: 0, losses: [], accuracies: [] };

  // The learning rate of an epoch: runtime/model/schedule.c's, compiled into the module.
  const scheduledRate = (base, epoch) => wasm.schedule_lr(base, epoch);

  function evaluate() {
    const acc = wasm.test(model.n_test);
    run.accuracies.push({ at: run.epoch + run.pos / run.n, acc, loss: wasm.test_loss() });
    return acc;
  }

  function start(seed, fromGiven, n = model.n_train) {
    wasm.init(seed);
    if (fromGiven && given.length) bytesAt(wasm.param(), given.length).set(given);
    Object.assign(run, { n: Math.max(1, Math.min(model.n_train, n)), epoch: 0, pos: 0, steps: 0, lossSum: 0, lossN: 0, losses: [], accuracies: [] });
    evaluate();
  }

  // One mini-batch in the native trainer's order: the shuffle at each epoch's start.
  function step() {
    if (run.pos === 0 && $("shuffle").checked) wasm.shuffle(run.n);
    const n = Math.min(model.batch, run.n - run.pos);
    const lr = scheduledRate(Number($("lr").value), run.epoch);
    const loss = wasm.train_batch(run.pos, n, lr);
    run.pos += n;
    run.steps++;
    run.lossSum += loss * n;
    run.lossN += n;
    if (run.lossN >= run.n / 20 || run.pos === run.n) {
      run.losses.push({ at: run.epoch + run.pos / run.n, loss: run.lossSum / run.lossN });
      run.lossSum = run.lossN = 0;
    }
    if (run.pos === run.n) {
      run.epoch++;
      run.pos = 0;
      evaluate();
    }
    return loss;
  }

  // ---- drawing pad -> MNIST-style input ---------------------------------------------
  const pad = $("pad"), padCtx = pad.getContext("2d", { willReadFrequently: true });
  const image = new Uint8Array(PIXELS);

  // The ink's bounding box scaled (area average) to fit 20 x 20, then shifted so that its
  // centre of mass is the centre of the 28 x 28 field, as MNIST's digits were made.
  function preprocess() {
    const W = pad.width, H = pad.height, rgba = padCtx.getImageData(0, 0, W, H).data;
    const ink = new Float32Array(W * H);
    let x0 = W, y0 = H, x1 = -1, y1 = -1;
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const v = rgba[4 * (y * W + x) + 3] / 255;
        ink[y * W + x] = v;
        if (v > 0.02) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
      }
    image.fill(0);
    if (x1 < 0) return image;
    const bw = x1 - x0 + 1, bh = y1 - y0 + 1, scale = 20 / Math.max(bw, bh);
    const tw = Math.max(1, Math.round(bw * scale)), th = Math.max(1, Math.round(bh * scale));
    const box = new Float32Array(tw * th);
    for (let ty = 0; ty < th; ty++)
      for (let tx = 0; tx < tw; tx++) {
        const sx0 = x0 + tx / scale, sx1 = x0 + (tx + 1) / scale;
        const sy0 = y0 + ty / scale, sy1 = y0 + (ty + 1) / scale;
        let sum = 0;
        for (let y = Math.floor(sy0); y < Math.min(H, Math.ceil(sy1)); y++) {
          const oy = Math.min(sy1, y + 1) - Math.max(sy0, y);
          for (let x = Math.floor(sx0); x < Math.min(W, Math.ceil(sx1)); x++)
            sum += ink[y * W + x] * oy * (Math.min(sx1, x + 1) - Math.max(sx0, x));
        }
        box[ty * tw + tx] = Math.min(1, sum * scale * scale);
      }
    let mass = 0, mx = 0, my = 0;
    for (let y = 0; y < th; y++)
      for (let x = 0; x < tw; x++) { const v = box[y * tw + x]; mass += v; mx += v * x; my += v * y; }
    const dx = Math.round((SIDE - 1) / 2 - mx / mass), dy = Math.round((SIDE - 1) / 2 - my / mass);
    for (let y = 0; y < th; y++)
      for (let x = 0; x < tw; x++) {
        const X = x + dx, Y = y + dy;
        if (X >= 0 && X < SIDE && Y >= 0 && Y < SIDE) image[Y * SIDE + X] = Math.round(255 * box[y * tw + x]);
      }
    return image;
  }

  // ---- seeing: the input, the network, the outputs ------------------------------------
  function classify(pixels) {
    bytesAt(wasm.image(), PIXELS).set(pixels);
    wasm.predict();
    const out = Array.from(floatsAt(wasm.output(), last.out));
    let best = 0;
    for (let k = 1; k < out.length; k++) if (out[k] > out[best]) best = k;
    return { class: best, outputs: out };
  }

  const shown = { pixels: new Uint8Array(PIXELS), result: null };

  function see(pixels) {
    shown.pixels = Uint8Array.from(pixels);
    shown.result = classify(shown.pixels);
    drawInput();
    drawNetwork();
    const r = shown.result;
    $("prediction").textContent = `prediction: ${r.class} (output ${r.outputs[r.class].toFixed(3)})`;
  }

  function drawInput() {
    const c = $("input"), ctx = c.getContext("2d"), img = ctx.createImageData(SIDE, SIDE);
    for (let i = 0; i < PIXELS; i++) {
      img.data.set([shown.pixels[i], shown.pixels[i], shown.pixels[i], 255], 4 * i);
    }
    const tmp = document.createElement("canvas");
    tmp.width = tmp.height = SIDE;
    tmp.getContext("2d").putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(tmp, 0, 0, c.width, c.height);
  }

  const MAX_SHOWN = 24, LINES = 160;
  const isMaps = (L) => L.kind === "conv" || L.kind === "maxpool" || L.kind === "avgpool";
  // The layers drawn as columns: all but dropout, which passes its input on unchanged
  // outside training (a dense layer after it is drawn from the layer before it).
  const drawn = layers.map((L, l) => l).filter((l) => layers[l].kind !== "dropout");
  const hasMaps = layers.some(isMaps);
  if (hasMaps) $("net").width = 1160;

  // The neurons of layer l to draw: all of them, or the most active of a wide layer.
  function shownNeurons(l, act) {
    const n = layers[l].out, all = [...Array(n).keys()];
    if (n <= MAX_SHOWN || l === layers.length - 1) return all;
    return all.sort((a, b) => Math.abs(act[b]) - Math.abs(act[a])).slice(0, MAX_SHOWN).sort((a, b) => a - b);
  }

  function colour(rgb, alpha) { return `rgba(${rgb[0]},${rgb[1]},${rgb[2]},${alpha})`; }

  // A 0..1 value as grey, or a -1..1 value as blue (positive) and red (negative) on white.
  function shade(v, diverging) {
    if (!diverging) { const g = Math.round(255 * Math.max(0, Math.min(1, v))); return [g, g, g]; }
    const rgb = v > 0 ? BLUE : RED, t = Math.min(1, Math.abs(v));
    return rgb.map((c) => Math.round(255 + (c - 255) * t));
  }

  // An H x W array (values / peak, shaded) drawn at (x, y) scaled to w x h pixels.
  function drawImage(ctx, values, rows, cols, peak, diverging, x, y, w, h) {
    const img = new ImageData(cols, rows), tmp = document.createElement("canvas");
    for (let i = 0; i < rows * cols; i++) img.data.set([...shade(values[i] / peak, diverging), 255], 4 * i);
    tmp.width = cols;
    tmp.height = rows;
    tmp.getContext("2d").putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(tmp, x, y, w, h);
  }

  function neuronColumn(l, act, x, H) {
    const L = layers[l], ids = shownNeurons(l, act);
    const gap = Math.min(22, (H - 60) / ids.length), top = H / 2 + 12 - gap * (ids.length - 1) / 2;
    const peak = Math.max(1e-6, ...Array.from(act, Math.abs));
    return { layer: l, ids, pos: ids.map((_, k) => [x, top + k * gap]), r: Math.min(9, gap / 2 - 1),
             value: ids.map((j) => L.activation === "sigmoid" || L.activation === "softmax" ? act[j] : Math.abs(act[j]) / peak),
             raw: ids.map((j) => act[j]), more: L.out - ids.length };
  }

  // A conv or pooling layer: one image per channel (its feature map), in a grid of k
  // columns at the largest scale s that fits width x (H - 70) below the labels; every
  // unit's centre in pos.
  function mapsColumn(l, act, x, width, H) {
    const [C, h, w] = layers[l].out_shape, gap = 3;
    let s = 0, k = 1;
    for (let cols = 1; cols <= C; cols++) {
      const rows = Math.ceil(C / cols);
      const fit = Math.min((width - gap * (cols - 1)) / (cols * w), (H - 70 - gap * (rows - 1)) / (rows * h));
      if (fit > s) { s = fit; k = cols; }
    }
    const rows = Math.ceil(C / k), mapW = w * s, mapH = h * s;
    const left = x - (k * mapW + (k - 1) * gap) / 2, top = 50 + (H - 70 - rows * mapH - (rows - 1) * gap) / 2;
    const corner = (c) => [left + (c % k) * (mapW + gap), top + Math.floor(c / k) * (mapH + gap)];
    const pos = [];
    for (let c = 0; c < C; c++)
      for (let y = 0; y < h; y++)
        for (let xx = 0; xx < w; xx++) pos.push([corner(c)[0] + (xx + 0.5) * s, corner(c)[1] + (y + 0.5) * s]);
    let peak = 1e-6, low = 0;
    for (const v of act) { peak = Math.max(peak, Math.abs(v)); low = Math.min(low, v); }
    return { layer: l, maps: true, ids: [...Array(act.length).keys()], pos, raw: Array.from(act),
             C, h, w, mapW, mapH, corner, peak, diverging: low < 0 };
  }

  function drawMaps(ctx, col) {
    for (let c = 0; c < col.C; c++) {
      const [x, y] = col.corner(c), n = col.h * col.w;
      drawImage(ctx, col.raw.slice(c * n, (c + 1) * n), col.h, col.w, col.peak, col.diverging, x, y, col.mapW, col.mapH);
      ctx.strokeStyle = "#888";
      ctx.lineWidth = 0.5;
      ctx.strokeRect(x - 0.5, y - 0.5, col.mapW + 1, col.mapH + 1);
    }
  }

  // The strongest weights of dense layer l times what flows through them, as lines.
  function drawFlows(ctx, p, l, from, to) {
    const L = layers[l], flows = [];
    let peak = 1e-9;
    from.ids.forEach((i, a) => to.ids.forEach((j, b) => {
      const f = p[L.wt + i * L.units + j] * from.raw[a];
      if (f !== 0) { flows.push([a, b, f]); peak = Math.max(peak, Math.abs(f)); }
    }));
    flows.sort((u, v) => Math.abs(v[2]) - Math.abs(u[2]));
    for (const [a, b, f] of flows.slice(0, LINES)) {
      ctx.strokeStyle = colour(f > 0 ? BLUE : RED, 0.15 + 0.85 * Math.abs(f) / peak);
      ctx.lineWidth = 0.5 + 1.5 * Math.abs(f) / peak;
      ctx.beginPath();
      ctx.moveTo(...from.pos[a]);
      ctx.lineTo(...to.pos[b]);
      ctx.stroke();
    }
  }

  function drawNeurons(ctx, col) {
    const best = shown.result ? shown.result.class : -1, output = col.layer === layers.length - 1;
    col.pos.forEach(([x, y], k) => {
      const v = Math.round(255 * Math.max(0, Math.min(1, col.value[k])));
      ctx.beginPath();
      ctx.arc(x, y, col.r, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${v},${v},${v})`;
      ctx.fill();
      ctx.strokeStyle = output && k === best ? "#e0a000" : "#888";
      ctx.lineWidth = output && k === best ? 3 : 1;
      ctx.stroke();
      if (output) {
        ctx.fillStyle = k === best ? "#000" : "#666";
        ctx.font = k === best ? "bold 14px system-ui, sans-serif" : "12px system-ui, sans-serif";
        ctx.fillText(`${k}  ${col.raw[k].toFixed(3)}`, x + col.r + 6, y + 4);
        ctx.fillStyle = colour(BLUE, 0.35);
        ctx.fillRect(x + col.r + 60, y - 5, 50 * Math.max(0, Math.min(1, col.raw[k])), 10);
      }
    });
  }

  function drawNetwork() {
    const c = $("net"), ctx = c.getContext("2d"), W = c.width, H = c.height;
    ctx.clearRect(0, 0, W, H);
    const p = params(), cell = hasMaps ? 6 : Math.floor((H - 60) / SIDE * 0.75);
    const gridTop = (H - SIDE * cell) / 2, gridLeft = 10;
    // Columns: the input grid, then one per drawn layer.
    const input = { ids: [...Array(PIXELS).keys()], pos: [], raw: [] };
    for (let i = 0; i < PIXELS; i++) {
      input.pos.push([gridLeft + (i % SIDE + 0.5) * cell, gridTop + (Math.floor(i / SIDE) + 0.5) * cell]);
      input.raw.push(shown.pixels[i] / 255);
    }
    const columns = [input], firstX = gridLeft + SIDE * cell + (hasMaps ? 70 : 90), lastX = W - 130;
    const step = drawn.length === 1 ? 0 : (lastX - firstX) / (drawn.length - 1);
    drawn.forEach((l, k) => {
      const act = floatsAt(wasm.activation(l), layers[l].out), x = drawn.length === 1 ? lastX : firstX + step * k;
      columns.push(isMaps(layers[l]) ? mapsColumn(l, act, x, step - 16, H) : neuronColumn(l, act, x, H));
    });
    drawn.forEach((l, k) => { if (layers[l].kind === "dense") drawFlows(ctx, p, l, columns[k], columns[k + 1]); });
    // The input pixels, then the neurons and feature maps over the lines.
    for (let i = 0; i < PIXELS; i++) {
      const v = Math.round(255 * input.raw[i]);
      ctx.fillStyle = `rgb(${v},${v},${v})`;
      ctx.fillRect(input.pos[i][0] - cell / 2, input.pos[i][1] - cell / 2, cell - 0.5, cell - 0.5);
    }
    ctx.font = "12px system-ui, sans-serif";
    ctx.fillStyle = "#444";
    ctx.fillText("input 28 × 28", gridLeft, gridTop - 6);
    columns.slice(1).forEach((col) => {
      const L = layers[col.layer], x = col.maps ? col.corner(0)[0] : col.pos[0][0] - 20;
      ctx.font = "12px system-ui, sans-serif";
      ctx.fillStyle = "#444";
      ctx.fillText(L.name, x, 14);
      ctx.fillText(col.maps ? `${col.C} × ${col.h} × ${col.w}` : L.activation, x, 28);
      if (col.maps && L.kind === "conv") ctx.fillText(L.activation, x, 42);
      if (col.more > 0) ctx.fillText(`+${col.more} more`, col.pos[0][0] - 22, H - 6);
      if (col.maps) drawMaps(ctx, col);
      else drawNeurons(ctx, col);
    });
  }

  // ---- watching it learn: curves and first-layer weights -----------------------------
  function drawCurves() {
    const c = $("curves"), ctx = c.getContext("2d"), W = c.width, H = c.height, m = 34;
    ctx.clearRect(0, 0, W, H);
    const span = Math.max(1, run.epoch + run.pos / run.n);
    const X = (at) => m + (W - 2 * m) * at / span;
    ctx.strokeStyle = "#bbb";
    ctx.strokeRect(m, 10, W - 2 * m, H - 40);
    ctx.font = "11px system-ui, sans-serif";
    ctx.fillStyle = "#444";
    ctx.fillText(`epochs (${run.n} samples each)`, W / 2 - 60, H - 8);
    const peak = Math.max(1e-9, ...run.losses.map((p) => p.loss), ...run.accuracies.map((p) => p.loss));
    const line = (points, value, top, style, label) => {
      ctx.strokeStyle = style;
      ctx.lineWidth = 2;
      ctx.beginPath();
      points.forEach((p, k) => (k ? ctx.lineTo : ctx.moveTo).call(ctx, X(p.at), 10 + (H - 40) * (1 - value(p) / top)));
      ctx.stroke();
      ctx.fillStyle = style;
      ctx.fillText(label, m + 4 + 150 * line.n++, 24);
    };
    line.n = 0;
    line(run.losses, (p) => p.loss, peak, "#b2182b", `training loss (max ${peak.toFixed(3)})`);
    line(run.accuracies, (p) => p.acc, 1, "#2166ac", "test accuracy (0-100 %)");
  }

  // The first layer with weights, each unit's (a dense neuron's, a conv filter's) as an
  // image: a dense layer on the digit as 28 x 28, a conv layer's filter as KH x KW (its
  // first input channel); blue positive, red negative, each scaled to its largest |w|.
  const firstWeighted = layers.find((L) => L.wt >= 0);
  function weightShape(L) {
    if (L.kind === "conv") return [L.kernel[0], L.kernel[1], `filters (each filter's ${L.kernel[0]} × ${L.kernel[1]} weights)`];
    if (L.in === PIXELS) return [SIDE, SIDE, "weights (each neuron's 784 weights as 28 × 28)"];
    const [, h, w] = L.in_shape;
    return [h, w, `weights (each neuron's first ${h * w} weights as ${h} × ${w})`];
  }

  function drawWeights() {
    const c = $("weights"), ctx = c.getContext("2d"), L = firstWeighted, p = params();
    const [rows, cols] = weightShape(L), scale = Math.max(1, Math.floor(56 / Math.max(rows, cols)));
    const n = Math.min(L.units, L.kind === "conv" ? 32 : 16), size = Math.max(rows, cols) * scale + 4;
    const perRow = Math.floor(c.width / size), values = new Float32Array(rows * cols);
    c.height = size * Math.ceil(n / perRow);
    for (let j = 0; j < n; j++) {
      let peak = 1e-9;
      for (let i = 0; i < rows * cols; i++) {
        values[i] = p[L.wt + i * L.units + j];
        peak = Math.max(peak, Math.abs(values[i]));
      }
      drawImage(ctx, values, rows, cols, peak, true, (j % perRow) * size, Math.floor(j / perRow) * size, cols * scale, rows * scale);
    }
  }

  function showStatus() {
    const a = run.accuracies[run.accuracies.length - 1], l = run.losses[run.losses.length - 1];
    $("status").textContent =
      `epoch ${run.epoch + 1}, sample ${run.pos}/${run.n}, ${run.steps} steps, ` +
      `lr ${scheduledRate(Number($("lr").value), run.epoch).toPrecision(3)}\n` +
      `training loss ${l ? l.loss.toFixed(4) : "-"}   test accuracy ${(100 * a.acc).toFixed(2)} % ` +
      `(first ${model.n_test} test digits), test loss ${a.loss.toFixed(4)}`;
  }

  function refresh() {
    see(shown.pixels);
    drawCurves();
    drawWeights();
    showStatus();
  }

  // ---- controls -----------------------------------------------------------------------
  let drawing = false, prev = null, pending = false;
  function stroke(e) {
    const r = pad.getBoundingClientRect();
    const x = (e.clientX - r.left) * pad.width / r.width, y = (e.clientY - r.top) * pad.height / r.height;
    padCtx.strokeStyle = padCtx.fillStyle = "#fff";
    padCtx.lineWidth = 20;
    padCtx.lineCap = padCtx.lineJoin = "round";
    padCtx.beginPath();
    padCtx.moveTo(...(prev || [x, y]));
    padCtx.lineTo(x, y);
    padCtx.stroke();
    prev = [x, y];
    if (!pending) {
      pending = true;
      requestAnimationFrame(() => { pending = false; see(preprocess()); });
    }
  }
  pad.addEventListener("pointerdown", (e) => { drawing = true; prev = null; pad.setPointerCapture(e.pointerId); stroke(e); });
  pad.addEventListener("pointermove", (e) => { if (drawing) stroke(e); });
  const lift = () => { if (drawing) { drawing = false; see(preprocess()); } };
  pad.addEventListener("pointerup", lift);
  pad.addEventListener("pointercancel", lift);

  function clearPad() {
    padCtx.clearRect(0, 0, pad.width, pad.height);
    see(new Uint8Array(PIXELS));
  }
  $("clear").onclick = clearPad;

  // A test digit of each class: the first of the embedded test digits with that label.
  const digits = [];
  for (let k = 0; k < CLASSES; k++) {
    const i = testLabels.indexOf(k);
    if (i < 0) continue;
    digits.push(i);
    const b = document.createElement("button");
    b.className = "digit";
    b.textContent = k;
    b.title = `MNIST test image ${i} (label ${k})`;
    b.onclick = () => {
      padCtx.clearRect(0, 0, pad.width, pad.height);
      see(testImages.subarray(i * PIXELS, (i + 1) * PIXELS));
    };
    $("digits").appendChild(b);
  }

  function loop() {
    if (!run.running) return;
    const t0 = performance.now();
    while (performance.now() - t0 < 25) step();
    refresh();
    requestAnimationFrame(loop);
  }
  $("run").onclick = () => {
    run.running = !run.running;
    $("run").textContent = run.running ? "Pause" : "Start";
    if (run.running) requestAnimationFrame(loop);
  };
  $("step").onclick = () => { step(); refresh(); };
  $("restart").onclick = () => { start(Number($("seed").value), false); refresh(); };
  $("reload").onclick = () => { start(Number($("seed").value), true); refresh(); };
  $("reload").disabled = !given.length;

  $("weights-what").textContent = weightShape(firstWeighted)[2];
  $("net-name").textContent = model.name;
  $("net-arch").textContent = `${model.architecture} · ${model.params} parameters · ${model.loss}, ${model.optimizer}, batch ${model.batch}`;
  $("about").textContent = `Training subset: the first ${model.n_train} images of ${model.data}; ` +
    `test digits: the first ${model.n_test} of MNIST's test set. Weights: ` +
    (model.weights ? `${model.weights}.` : `the seed's (the .net file's init), untrained.`) +
    ` Arithmetic: WebAssembly ${simd}` + (simd === "SIMD" ? " (no fused multiply-add)."
      : " (fused multiply-adds where the processor has them).");
  $("lr").value = model.learning_rate;
  $("seed").value = model.seed;
  start(model.seed, true);
  refresh();

  // For scripts (tests/e2e/web.sh): the same work the buttons do, without the pointer.
  window.netc = {
    model, digits, simd,
    image: (i) => Array.from(testImages.subarray(i * PIXELS, (i + 1) * PIXELS)),
    classify: (pixels) => classify(Uint8Array.from(pixels)),
    drawn: () => Array.from(shown.pixels),
    shown: () => shown.result,
    start: (seed, fromGiven, shuffle, n) => { $("shuffle").checked = shuffle; start(seed, fromGiven, n); refresh(); },
    epoch: () => { do step(); while (run.pos !== 0); refresh(); return run.accuracies[run.accuracies.length - 1]; },
    test: () => ({ acc: wasm.test(model.n_test), loss: wasm.test_loss() }),
    params: () => Array.from(params()),
    ready: true,
  };
})().catch((e) => {
  document.body.insertAdjacentHTML("afterbegin", `<p style="color:#b2182b">netc page: ${e}</p>`);
  console.error(e);
});
