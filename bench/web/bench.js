// bench.js - one network trained and run by one tool in this page, timed (bench/web.sh).
// window.bench.run(tool, net) -> { train, infer_batched, infer_single } samples/s, each the
// median of REPS timed repetitions, each at least MIN_SECONDS of whole passes, after one
// untimed pass.  The data: the first N_TRAIN MNIST training images (bytes / 255), as the
// netc page carries; inference over the first N_INFER of them.
"use strict";
(function () {
  const PIXELS = 784, CLASSES = 10, N_TRAIN = 3000, N_INFER = 1000;
  const REPS = 3, MIN_SECONDS = 1.0;

  // The two networks, as samples/mnist.net and samples/mnist_relu.net say.
  const NETS = {
    mnist: { hidden: [16, 16], act: "sigmoid", out: "sigmoid", loss: "mse", opt: "sgd", lr: 3.0, batch: 10 },
    mnist_relu: { hidden: [128, 64], act: "relu", out: "softmax", loss: "cross_entropy", opt: "adam", lr: 0.001, batch: 32 },
  };

  let data = null, wasmPathSet = false;
  async function load() {
    if (data) return data;
    const bytes = async (f, skip, n) =>
      new Uint8Array(await (await fetch(f)).arrayBuffer()).slice(skip, skip + n);
    const images = await bytes("mnist/train-images-idx3-ubyte", 16, N_TRAIN * PIXELS);
    const labels = await bytes("mnist/train-labels-idx1-ubyte", 8, N_TRAIN);
    const xs = new Float32Array(N_TRAIN * PIXELS), ys = new Float32Array(N_TRAIN * CLASSES);
    for (let i = 0; i < xs.length; i++) xs[i] = images[i] / 255;
    for (let i = 0; i < N_TRAIN; i++) ys[i * CLASSES + labels[i]] = 1;
    data = { images, labels, xs, ys, x: (i) => xs.subarray(i * PIXELS, (i + 1) * PIXELS),
             y: (i) => ys.subarray(i * CLASSES, (i + 1) * CLASSES) };
    return data;
  }

  function median(a) { const s = [...a].sort((p, q) => p - q); return s[s.length >> 1]; }

  // Samples/s of pass() (which handles n samples): one untimed pass, then the median of
  // REPS repetitions of whole passes lasting at least MIN_SECONDS.
  function rate(pass, n) {
    pass();
    const rates = [];
    for (let r = 0; r < REPS; r++) {
      let done = 0;
      const t0 = performance.now();
      let t = t0;
      do { pass(); done += n; t = performance.now(); } while (t - t0 < MIN_SECONDS * 1000);
      rates.push(done / ((t - t0) / 1000));
    }
    return { median: median(rates), min: Math.min(...rates), max: Math.max(...rates) };
  }

  // ---- netc: the page's WebAssembly module (NAME.wasm of netc --emit web) -----------
  // As the page picks it: NAME_relaxed.wasm where this browser validates it (relaxed SIMD),
  // else NAME.wasm (SIMD); with simdOnly, NAME.wasm (a browser without relaxed SIMD).
  async function netc(name, net, d, simdOnly) {
    const bytes = async (f) => { const r = await fetch(f); return r.ok ? r.arrayBuffer() : null; };
    const relaxed = simdOnly ? null : await bytes(`${name}_relaxed.wasm`);
    const buf = relaxed && WebAssembly.validate(relaxed) ? relaxed : await bytes(`${name}.wasm`);
    const w = (await WebAssembly.instantiate(buf, {})).instance.exports;
    if (w._initialize) w._initialize();
    const at = (ptr, n) => new Uint8Array(w.memory.buffer, ptr, n);
    at(w.train_images(), N_TRAIN * PIXELS).set(d.images);
    at(w.train_labels(), N_TRAIN).set(d.labels);
    at(w.test_images(), N_INFER * PIXELS).set(d.images.subarray(0, N_INFER * PIXELS));
    at(w.test_labels(), N_INFER).set(d.labels.subarray(0, N_INFER));
    w.init(1);
    const image = at(w.image(), PIXELS);
    return {
      // As the page trains: the trainer's shuffle, then train_batch (bytes -> floats,
      // forward_backward, update) over the epoch.
      train() {
        w.shuffle(N_TRAIN);
        for (let pos = 0; pos < N_TRAIN; pos += net.batch)
          w.train_batch(pos, Math.min(net.batch, N_TRAIN - pos), net.lr);
      },
      // test(n): forward in full batches, plus the loss and the argmax.
      inferBatched() { w.test(N_INFER); },
      // As the page classifies a drawing: the image into the module, predict (n = 1).
      inferSingle() {
        for (let i = 0; i < N_INFER; i++) {
          image.set(d.images.subarray(i * PIXELS, (i + 1) * PIXELS));
          w.predict();
        }
      },
    };
  }

  // ---- TensorFlow.js: layers model, optimizer.minimize on pre-made batch tensors ------
  async function tfjs(backend, net, d) {
    if (backend === "wasm" && !wasmPathSet) {
      tf.wasm.setWasmPaths("node_modules/@tensorflow/tfjs-backend-wasm/dist/");
      wasmPathSet = true;
    }
    if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed`);
    await tf.ready();
    const model = tf.sequential();
    net.hidden.forEach((units, i) => model.add(tf.layers.dense(
      { units, activation: net.act, ...(i ? {} : { inputShape: [PIXELS] }) })));
    model.add(tf.layers.dense({ units: CLASSES, activation: net.out === "sigmoid" ? "sigmoid" : "linear" }));
    const opt = net.opt === "sgd" ? tf.train.sgd(net.lr) : tf.train.adam(net.lr, 0.9, 0.999, 1e-8);
    const loss = net.loss === "mse" ? (p, y) => tf.losses.meanSquaredError(y, p)
                                    : (p, y) => tf.losses.softmaxCrossEntropy(y, p);
    const batches = (n) => {
      const out = [];
      for (let i = 0; i < N_TRAIN; i += n) {
        const b = Math.min(n, N_TRAIN - i);
        out.push([tf.tensor2d(d.xs.subarray(i * PIXELS, (i + b) * PIXELS), [b, PIXELS]),
                  tf.tensor2d(d.ys.subarray(i * CLASSES, (i + b) * CLASSES), [b, CLASSES])]);
      }
      return out;
    };
    const train = batches(net.batch), infer = batches(net.batch).slice(0, Math.ceil(N_INFER / net.batch));
    const single = Array.from({ length: N_INFER }, (_, i) => tf.tensor2d(d.x(i), [1, PIXELS]));
    const predict = (x) => { const p = model.predict(x); p.dataSync(); p.dispose(); };
    return {
      train() {
        for (const [x, y] of train) opt.minimize(() => loss(model.apply(x, { training: true }), y));
        model.layers[0].getWeights()[0].dataSync();
      },
      inferBatched() { for (const [x] of infer) predict(x); },
      inferSingle() { for (const x of single) predict(x); },
    };
  }

  // ---- ConvNetJS: per-sample forward/backward, the Trainer's batch_size accumulation ----
  function convnet(net, d) {
    const defs = [{ type: "input", out_sx: 1, out_sy: 1, out_depth: PIXELS }];
    net.hidden.forEach((n) => defs.push({ type: "fc", num_neurons: n, activation: net.act }));
    defs.push(net.loss === "mse" ? { type: "regression", num_neurons: CLASSES }
                                 : { type: "softmax", num_classes: CLASSES });
    const model = new convnetjs.Net();
    model.makeLayers(defs);
    // regression is a linear layer + ½ Σ (y - t)²: a sigmoid before it, as mnist.net has.
    if (net.out === "sigmoid")
      model.layers.splice(model.layers.length - 1, 0,
                          new convnetjs.SigmoidLayer({ in_sx: 1, in_sy: 1, in_depth: CLASSES }));
    // ConvNetJS 0.3.0 has no Adam: adadelta keeps the same two running sums per weight.
    const trainer = new convnetjs.Trainer(model, net.opt === "sgd"
      ? { method: "sgd", learning_rate: net.lr, momentum: 0, batch_size: net.batch, l2_decay: 0 }
      : { method: "adadelta", batch_size: net.batch, l2_decay: 0 });
    const vols = Array.from({ length: N_TRAIN }, (_, i) => {
      const v = new convnetjs.Vol(1, 1, PIXELS, 0);
      v.w.set(d.x(i));
      return v;
    });
    const targets = Array.from({ length: N_TRAIN }, (_, i) =>
      net.loss === "mse" ? Array.from(d.y(i)) : d.labels[i]);
    return {
      train() { for (let i = 0; i < N_TRAIN; i++) trainer.train(vols[i], targets[i]); },
      inferBatched: null,
      inferSingle() { for (let i = 0; i < N_INFER; i++) model.forward(vols[i], false); },
    };
  }

  // ---- brain.js: NeuralNetwork, one update per sample (trainPattern) ----------------------
  // Its own momentum (0.1): it refuses 0; the update costs the same.
  function brainjs(net, d) {
    const model = new brain.NeuralNetwork({ hiddenLayers: net.hidden, activation: net.act });
    const pairs = Array.from({ length: N_TRAIN }, (_, i) => ({ input: d.x(i), output: d.y(i) }));
    model.train([{ input: Array.from(d.x(0)), output: Array.from(d.y(0)) }],
                { iterations: 1, learningRate: net.opt === "sgd" ? net.lr / net.batch : net.lr,
                  ...(net.opt === "adam" ? { praxis: "adam" } : {}) });
    return {
      train() { for (const p of pairs) model.trainPattern(p, false); },
      inferBatched: null,
      inferSingle() { for (let i = 0; i < N_INFER; i++) model.run(d.x(i)); },
    };
  }

  async function run(tool, name) {
    const net = NETS[name], d = await load();
    const t = tool === "netc" ? await netc(name, net, d, false)
      : tool === "netc-simd" ? await netc(name, net, d, true)
      : tool === "tfjs-cpu" ? await tfjs("cpu", net, d)
      : tool === "tfjs-wasm" ? await tfjs("wasm", net, d)
      : tool === "convnetjs" ? convnet(net, d)
      : tool === "brainjs" ? brainjs(net, d) : null;
    if (!t) throw new Error(`unknown tool ${tool}`);
    const out = { tool, net: name, batch: net.batch };
    out.train = rate(t.train, N_TRAIN);
    out.infer_batched = t.inferBatched ? rate(t.inferBatched, N_INFER) : null;
    out.infer_single = rate(t.inferSingle, N_INFER);
    return out;
  }

  window.bench = { run, nets: NETS, ready: true };
})();
