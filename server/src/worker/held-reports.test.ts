import { describe, expect, it } from 'vitest';
import type { NodeReport } from '../events/run-event-store.js';
import { HeldReports } from './held-reports.js';

const line = (message: string): NodeReport => ({ type: 'node-log', nodeId: 'n', level: 'info', message });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('HeldReports', () => {
  it('writes lines a moment after they are made, in order, a batch at a time', async () => {
    const written: string[][] = [];
    const reports = new HeldReports(async (batch) => {
      written.push(batch.map((r) => (r.type === 'node-log' ? r.message : '')));
    }, 5);
    reports.add(line('a'));
    reports.add(line('b'));
    expect(written).toEqual([]);
    await sleep(30);
    reports.add(line('c'));
    await sleep(30);
    expect(written).toEqual([['a', 'b'], ['c']]);
    expect(await reports.end()).toEqual([]);
  });

  it('answers the lines still held when the node ends, after those already sent are written, and sends no more', async () => {
    const written: string[] = [];
    let release = (): void => undefined;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const reports = new HeldReports(async (batch) => {
      await slow;
      written.push(...batch.map((r) => (r.type === 'node-log' ? r.message : '')));
    }, 5);
    reports.add(line('first'));
    await sleep(20);
    reports.add(line('last'));
    const ended = reports.end();
    let answered = false;
    void ended.then(() => (answered = true));
    await sleep(20);
    // The sent line is still being written: the end waits for it.
    expect(answered).toBe(false);
    release();
    expect((await ended).map((r) => (r.type === 'node-log' ? r.message : ''))).toEqual(['last']);
    expect(written).toEqual(['first']);
    await sleep(20);
    expect(written).toEqual(['first']);
  });
});
