// `npm run bench -- canvas`: the studio in headless Chromium against a real
// server. Reports the bundle's gzipped size, the time to interactive of the
// pipelines page and of a 1,000-node pipeline, and frames per second while
// panning the canvas and dragging a node (target ≥ 50).
/* global window, document, performance, requestAnimationFrame -- inside page.evaluate, which runs in the browser */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { figure } from './figures.mjs';
import { launchChromium } from '../e2e/chromium.ts';
import { largePipeline } from '../e2e/large-pipeline.ts';
import { repoRoot, startPipewrightServer } from '../e2e/pipewright-server.ts';

const NODES = 1000;
const GESTURE_MS = 3000;

function bundleSizes() {
  const dist = join(repoRoot, 'studio', 'dist');
  const assets = join(dist, 'assets');
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const initial = new Set([...html.matchAll(/(?:src|href)="\/assets\/([^"]+)"/g)].map((match) => match[1]));
  const sizes = { initial: 0, total: 0, chunks: [] };
  for (const file of readdirSync(assets)) {
    if (!/\.(js|css)$/.test(file)) continue;
    const gzipped = gzipSync(readFileSync(join(assets, file)), { level: 9 }).length;
    sizes.total += gzipped;
    if (initial.has(file)) sizes.initial += gzipped;
    sizes.chunks.push({ file, gzipped });
  }
  sizes.chunks.sort((a, b) => b.gzipped - a.gzipped);
  return sizes;
}

/** Counts animation frames in the page while `gesture` runs: frames per second the user saw. */
async function framesPerSecond(page, gesture) {
  await page.evaluate(() => {
    const state = { frames: 0, running: true, longest: 0, last: performance.now() };
    window.benchFrames = state;
    const tick = (now) => {
      state.frames += 1;
      state.longest = Math.max(state.longest, now - state.last);
      state.last = now;
      if (state.running) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const started = Date.now();
  await gesture();
  const elapsed = Date.now() - started;
  const { frames, longest } = await page.evaluate(() => {
    window.benchFrames.running = false;
    return window.benchFrames;
  });
  return { fps: (frames * 1000) / elapsed, longestFrameMs: longest };
}

/** Moves the mouse from `from` by `by` over GESTURE_MS with the button held, one step a frame or so. */
async function dragAcross(page, from, by) {
  const steps = Math.round(GESTURE_MS / 16);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  const started = Date.now();
  for (let step = 1; step <= steps; step++) {
    const t = step / steps;
    await page.mouse.move(from.x + by.x * Math.sin(t * Math.PI * 2), from.y + by.y * t);
    const due = started + t * GESTURE_MS;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  await page.mouse.up();
}

const sizes = bundleSizes();
const [server, browser] = await Promise.all([startPipewrightServer(), launchChromium()]);
try {
  const request = browser.context.request;
  // The server creates the first admin before its port opens: a healthy server takes the login at once.
  const login = await request.post(`${server.url}/api/auth/login`, { data: server.admin });
  if (!login.ok()) throw new Error(`log in failed: ${login.status()} ${await login.text()}`);
  const created = await request.post(`${server.url}/api/pipelines`, { data: largePipeline(NODES) });
  if (!created.ok()) throw new Error(`creating the pipeline failed: ${created.status()} ${await created.text()}`);
  const { id } = await created.json();

  const page = await browser.context.newPage();
  let started = Date.now();
  await page.goto(`${server.url}/#/`);
  await page.getByRole('link', { name: 'New pipeline' }).waitFor();
  const listMs = Date.now() - started;

  started = Date.now();
  await page.goto(`${server.url}/#/pipelines/${encodeURIComponent(id)}`);
  await page.getByTestId('node-n0').waitFor({ timeout: 120_000 });
  const editorMs = Date.now() - started;
  const rendered = await page.locator('.react-flow__node').count();

  // Pan from the background between the first two rows of nodes.
  const background = await page.evaluate(() => {
    const first = document.querySelector('[data-testid="node-n0"]').getBoundingClientRect();
    const next = document.querySelector('[data-testid="node-n10"]').getBoundingClientRect();
    return { x: first.right + 30, y: (first.bottom + next.top) / 2 };
  });
  const pan = await framesPerSecond(page, () => dragAcross(page, background, { x: 300, y: 200 }));

  // A node near the top-left corner the canvas opens on, still in view after the pan: a large canvas renders only
  // what is in view.
  const header = await page.getByTestId('node-n11').locator('.pw-node__header').boundingBox();
  const drag = await framesPerSecond(page, () =>
    dragAcross(page, { x: header.x + 20, y: header.y + header.height / 2 }, { x: 200, y: 120 }),
  );

  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log(`studio bundle (gzip): ${kb(sizes.initial)} initial, ${kb(sizes.total)} in all`);
  for (const chunk of sizes.chunks.slice(0, 6)) console.log(`  ${chunk.file.padEnd(40)} ${kb(chunk.gzipped)}`);
  console.log(`pipelines page to interactive: ${listMs} ms`);
  console.log(`${NODES}-node pipeline to interactive: ${editorMs} ms (${rendered} nodes in the DOM)`);
  console.log(
    `panning:  ${pan.fps.toFixed(1)} fps (longest frame ${pan.longestFrameMs.toFixed(0)} ms)${pan.fps >= 50 ? '' : '  < 50 target'}`,
  );
  console.log(
    `dragging: ${drag.fps.toFixed(1)} fps (longest frame ${drag.longestFrameMs.toFixed(0)} ms)${drag.fps >= 50 ? '' : '  < 50 target'}`,
  );
  const bench = 'canvas';
  figure({ bench, metric: 'studio bundle, initial (gzip)', value: sizes.initial / 1024, unit: 'KiB' });
  figure({ bench, metric: 'studio bundle, all (gzip)', value: sizes.total / 1024, unit: 'KiB' });
  figure({ bench, metric: 'pipelines page to interactive', value: listMs, unit: 'ms' });
  figure({ bench, metric: `${NODES}-node pipeline to interactive`, value: editorMs, unit: 'ms' });
  figure({ bench, metric: `panning ${NODES} nodes`, value: pan.fps, unit: 'fps', target: '≥ 50' });
  figure({ bench, metric: `dragging a node among ${NODES}`, value: drag.fps, unit: 'fps', target: '≥ 50' });
} finally {
  await browser.close();
  await server.stop();
}
