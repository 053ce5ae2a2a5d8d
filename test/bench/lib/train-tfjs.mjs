// The training bench's in-run baseline: the same network as train.mlp
// trains (32-128-128-2, relu, softmax; Adam, learning rate 0.001; Glorot
// uniform weights) as a plain tf.sequential().fit() of TensorFlow.js on the
// wasm backend, as someone would write it from the TensorFlow.js guide.
// `node train-tfjs.mjs TRAIN_CSV TEST_CSV EPOCHS BATCH`; prints one JSON line
// {ms, cpuMs, rows, accuracy}: ms and cpuMs of fit() alone.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { readTrainCsv } from './train-data.mjs';

const [trainPath, testPath, epochsArg, batchArg] = process.argv.slice(2);
const epochs = Number(epochsArg);
const batchSize = Number(batchArg);
const { loadTensorFlow } = await import('../../../server/dist/runtime/tensorflow-backend.js');
await loadTensorFlow({ backend: 'wasm', log: () => undefined });
// The module loadTensorFlow set up, with its layers API.
const tf = await import('@tensorflow/tfjs');

const train = readTrainCsv(readFileSync(trainPath, 'utf8'));
const test = readTrainCsv(readFileSync(testPath, 'utf8'));
const x = tf.tensor2d(train.x, [train.rows, train.width]);
const y = tf.oneHot(tf.tensor1d(train.y, 'int32'), 2).toFloat();
const model = tf.sequential({
  layers: [
    tf.layers.dense({ inputShape: [train.width], units: 128, activation: 'relu' }),
    tf.layers.dense({ units: 128, activation: 'relu' }),
    tf.layers.dense({ units: 2, activation: 'softmax' }),
  ],
});
model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
const cpu = process.cpuUsage();
const started = performance.now();
await model.fit(x, y, { epochs, batchSize, shuffle: true, verbose: 0 });
const ms = performance.now() - started;
const used = process.cpuUsage(cpu);
const predicted = tf.tidy(() =>
  model
    .predict(tf.tensor2d(test.x, [test.rows, test.width]))
    .argMax(1)
    .dataSync(),
);
let right = 0;
for (let i = 0; i < test.rows; i++) if (predicted[i] === test.y[i]) right++;
process.stdout.write(
  `${JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000, rows: train.rows, accuracy: right / test.rows })}\n`,
);
