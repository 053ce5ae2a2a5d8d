import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { StudioBrowser } from './chromium.js';
import { repoRoot, type RunningServer } from './pipewright-server.js';
import { closeStudioSession, openStudioSession, screenshotFailedTests, screenshots } from './studio-session.js';

describe('the Workers page', () => {
  let server: RunningServer;
  let browser: StudioBrowser;
  let page: Page;
  let extra: ChildProcess | undefined;

  beforeAll(async () => {
    ({ server, browser, page } = await openStudioSession());
  });
  screenshotFailedTests(() => page);
  afterAll(async () => {
    if (extra && extra.exitCode === null && extra.signalCode === null) extra.kill('SIGKILL');
    await closeStudioSession({ server, browser });
  });

  it('shows each worker’s backend, cores, memory, running jobs and heartbeat, and marks a lost one', async () => {
    // A second worker process on the server's own (embedded) database, killed without a word.
    const home = server.home;
    extra = spawn(process.execPath, [join(repoRoot, 'bin', 'pipewright.mjs'), 'worker'], {
      env: { ...process.env, PIPEWRIGHT_HOME: home, DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('is taking jobs')) resolve();
      };
      extra!.stdout?.on('data', onData);
      extra!.stderr?.on('data', onData);
      extra!.on('exit', (code) => reject(new Error(`the worker exited (${code}):\n${output}`)));
    });

    await page.goto(`${server.url}/#/`);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Workers' }).click();
    await page.getByRole('heading', { name: 'Workers' }).waitFor();
    const table = page.getByRole('table', { name: 'Workers' });
    await table.waitFor();
    await page.getByTestId('workers-summary').getByText('2 alive · 0 jobs running').waitFor();
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(2);
    const first = await rows.first().locator('td').allTextContents();
    // Worker, state, backend, GPU, cores, memory, running jobs, queues, heartbeat.
    expect(first[1]).toBe('alive');
    expect(['wasm', 'node', 'cpu', 'webgpu', 'node-gpu']).toContain(first[2]);
    expect(first[3]).toBe('—');
    expect(Number(first[4])).toBeGreaterThanOrEqual(1);
    expect(first[5]).toMatch(/\d+(\.\d)? GB/);
    expect(first[6]).toMatch(/^0 of \d+$/);
    expect(first[7]).toBe('cpu');
    expect(first[8]).toMatch(/^\d+ s ago$/);
    await page.screenshot({ path: join(screenshots, 'workers-page.png') });

    extra.kill('SIGKILL');
    // Lost after 30 s without a heartbeat; the page follows on its own.
    await page.getByText('lost', { exact: true }).waitFor({ timeout: 60_000 });
    await page.getByTestId('workers-summary').getByText('1 alive · 0 jobs running').waitFor();
    const lost = await table.locator('tbody tr', { hasText: 'lost' }).locator('td').allTextContents();
    expect(Number(/^(\d+) s ago$/.exec(lost[8])?.[1])).toBeGreaterThanOrEqual(30);
    await page.screenshot({ path: join(screenshots, 'workers-page-lost.png') });
  });
});
