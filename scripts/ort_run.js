// Runs an ONNX model with ONNX Runtime (npm onnxruntime-node) on .npy inputs
// and writes its outputs as .npy: the reference lwcc's model tests use.
//
//   node scripts/ort_run.js model.onnx OUT_DIR [--threads N] [--bench N] [--times]
//                           [--profile PREFIX] in0.npy [in1.npy ...]
//
// --bench N times N runs after 3 warm-up runs (min and median; --times lists
// every run too).
// --profile writes ONNX Runtime's own per-node profile (a JSON trace, every
// kernel's time in every run) to PREFIX_<date>.json, and prints its path.
// Writes OUT_DIR/<output name>.npy per output (non-alphanumerics -> '_').
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

const DTYPES = {
  '<f4': ['float32', Float32Array], '<i8': ['int64', BigInt64Array],
  '<i4': ['int32', Int32Array], '|u1': ['uint8', Uint8Array], '|i1': ['int8', Int8Array],
  '|b1': ['bool', Uint8Array],
};

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${file}: not a .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',')
      .map((s) => s.trim()).filter((s) => s.length).map(Number);
  const [type, Ctor] = DTYPES[descr] || [];
  if (!type) throw new Error(`${file}: unsupported dtype ${descr}`);
  const data = buf.subarray(start + headerLen);
  const copy = new Uint8Array(data).buffer;
  return new ort.Tensor(type, new Ctor(copy, 0, data.length / Ctor.BYTES_PER_ELEMENT), shape);
}

function writeNpy(file, tensor) {
  const descr = Object.keys(DTYPES).find((k) => DTYPES[k][0] === tensor.type);
  if (!descr) throw new Error(`cannot save ${tensor.type}`);
  const dims = tensor.dims.length === 1 ? `${tensor.dims[0]},` : tensor.dims.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const data = Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(header, 'latin1'), data]));
}

async function main() {
  const args = process.argv.slice(2);
  let threads = 1;
  let bench = 0;
  let printTimes = false;
  let profile = '';
  const positional = [];
  for (let i = 0; i < args.length; ++i) {
    if (args[i] === '--threads') threads = Number(args[++i]);
    else if (args[i] === '--bench') bench = Number(args[++i]);
    else if (args[i] === '--times') printTimes = true;
    else if (args[i] === '--profile') profile = args[++i];
    else positional.push(args[i]);
  }
  const [model, outDir, ...inputs] = positional;
  if (!model || !outDir) {
    console.error('usage: ort_run.js model.onnx OUT_DIR [--threads N] [--bench N] [--times] ' +
                  '[--profile PREFIX] in.npy...');
    process.exit(1);
  }
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all',
    ...(profile ? {enableProfiling: true, profileFilePrefix: profile} : {}),
  });
  if (inputs.length !== session.inputNames.length) {
    throw new Error(`${inputs.length} inputs given, the model has ${session.inputNames.length}`);
  }
  const feeds = {};
  session.inputNames.forEach((name, i) => { feeds[name] = readNpy(inputs[i]); });
  const results = await session.run(feeds);
  fs.mkdirSync(outDir, {recursive: true});
  for (const name of session.outputNames) {
    writeNpy(path.join(outDir, name.replace(/[^A-Za-z0-9_.-]/g, '_') + '.npy'), results[name]);
  }
  if (bench > 0) {
    for (let i = 0; i < 3; ++i) await session.run(feeds);
    const times = [];
    for (let i = 0; i < bench; ++i) {
      const t0 = process.hrtime.bigint();
      await session.run(feeds);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    times.sort((a, b) => a - b);
    console.log(`bench: ${bench} runs, min ${times[0].toFixed(3)} ms, median ` +
                `${times[Math.floor(bench / 2)].toFixed(3)} ms`);
    if (printTimes) console.log('times: ' + times.map((t) => t.toFixed(4)).join(' '));
  }
  if (profile) {
    // endProfiling names no file: the newest PREFIX_*.json is the trace.
    session.endProfiling();
    const dir = path.dirname(path.resolve(profile));
    const stem = path.basename(profile) + '_';
    const traces = fs.readdirSync(dir)
        .filter((f) => f.startsWith(stem) && f.endsWith('.json'))
        .map((f) => path.join(dir, f))
        .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
    if (!traces.length) throw new Error(`no profile written under ${profile}`);
    console.log(`profile: ${traces[0]}`);
  }
}

main().catch((e) => { console.error(`ort_run: error: ${e.message}`); process.exit(1); });
