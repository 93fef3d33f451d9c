// run_ort.js - an ONNX model through onnxruntime-web under Node (tests/e2e/onnx_export.py).
//
//   node run_ort.js ORT_MODULE MODEL.onnx SHAPE IN OUT
//
// SHAPE: one sample's dimensions, e.g. 28,28; IN: n samples of float32 (native order),
// all read and run as one batch through the model's input "input"; OUT: its output
// "output", float32.  Prints the input and output names.
'use strict';
const fs = require('fs');
const [ortModule, model, shape, inPath, outPath] = process.argv.slice(2);
const ort = require(require('path').resolve(ortModule));
ort.env.wasm.numThreads = 1;

(async () => {
    const session = await ort.InferenceSession.create(fs.readFileSync(model));
    const dims = shape.split(',').map(Number);
    const size = dims.reduce((a, b) => a * b, 1);
    const bytes = fs.readFileSync(inPath);
    const x = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    const n = x.length / size;
    const result = await session.run({ input: new ort.Tensor('float32', x, [n, ...dims]) });
    const y = result.output.data;
    fs.writeFileSync(outPath, Buffer.from(y.buffer, y.byteOffset, y.byteLength));
    console.log(`inputs ${session.inputNames.join(',')} outputs ${session.outputNames.join(',')}`);
})().catch((e) => {
    console.error(`run_ort: ${e.message || e}`);
    process.exit(1);
});
