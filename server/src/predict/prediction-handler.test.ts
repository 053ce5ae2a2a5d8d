import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ModelBundle, TableRef } from '@pipewright/nodes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServingMetrics } from '../metrics/serving-metrics.js';
import { loadCsvTable, readTable, runNodeForTest } from '../runtime/testing.js';
import { createPredictionHandler, PREDICT_BODY_LIMIT_BYTES } from './prediction-handler.js';
import { rowSchema, type RequestRow } from './request-rows.js';
import { servingBundle } from './serving-bundle.js';
import type { LoadedDeployment, ServingSource } from './serving-source.js';

/** node:http answering predictions of one deployment from `source`. */
async function serve(source: ServingSource): Promise<{ server: Server; url: string }> {
  const handle = createPredictionHandler(source);
  const server = createServer((request, response) => {
    if (!handle(request, response)) response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function post(url: string, body: string | Buffer, type = 'application/json') {
  const response = await fetch(`${url}/api/predict/cancer`, {
    method: 'POST',
    headers: { 'content-type': type, authorization: 'Bearer key' },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the prediction handler reads the body as node:http delivers it', () => {
  let rows: RequestRow[];
  let deployment: LoadedDeployment;
  const servers: Server[] = [];
  let sync: string;
  let slow: string;

  beforeAll(async () => {
    const train: TableRef = await loadCsvTable('test/fixtures/data/splits/breast_cancer.train.csv');
    const model = (await runNodeForTest('train.logistic', { label: 'diagnosis' }, { in: train })).outputs
      .model as ModelBundle;
    const test = await loadCsvTable('test/fixtures/data/splits/breast_cancer.test.csv');
    rows = JSON.parse(JSON.stringify(await readTable(test))) as RequestRow[];
    const bundle = servingBundle(model, 'cancer', 1, { runId: null, nodeId: 'train' });
    deployment = { id: 'd1', name: 'cancer', active: { version: 1, bundle, schema: rowSchema(model) } };
    const grant = { keyId: 'k1', deploymentId: 'd1', ratePerSecond: 1e6 };
    // Answered from memory at once (the body is still arriving) …
    const fromMemory = await serve({ deployment: () => deployment, key: () => grant });
    // … or after the body is in (a lookup slower than the upload).
    const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 30));
    const fromDatabase = await serve({ deployment: () => later(deployment), key: () => later(grant) });
    servers.push(fromMemory.server, fromDatabase.server);
    sync = fromMemory.url;
    slow = fromDatabase.url;
  });

  afterAll(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
  });

  it('answers the same predictions whether the key check ends before or after the body', async () => {
    const many = Array.from({ length: 3_000 }, (_, i) => rows[i % rows.length]);
    for (const body of [{ rows: [rows[0]] }, { rows: many }]) {
      const text = JSON.stringify(body);
      const first = await post(sync, text);
      expect(first.status).toBe(200);
      expect((first.body.predictions as unknown[]).length).toBe(body.rows.length);
      expect(await post(slow, text)).toEqual(first);
    }
  });

  it('refuses what is not JSON, with the parser’s reason, for small and large bodies', async () => {
    for (const url of [sync, slow]) {
      const wrongType = await post(url, JSON.stringify({ rows: [rows[0]] }), 'text/csv');
      expect(wrongType).toMatchObject({ status: 415, body: { error: { code: 'unsupported-media-type' } } });
      const small = await post(url, '{"rows": [');
      expect(small.status).toBe(400);
      expect((small.body.error as { message: string }).message).toMatch(/^the request body is not valid JSON: /);
      // Large enough to be parsed in pieces; broken in its middle.
      const text = JSON.stringify({ rows: Array.from({ length: 2_000 }, () => rows[0]) });
      const broken = await post(url, `${text.slice(0, 700_000)}}}${text.slice(700_000)}`);
      expect(broken.status).toBe(400);
      expect((broken.body.error as { message: string }).message).toMatch(/not valid JSON: .*position/);
    }
  });

  it('answers 413 for a body declared larger than the limit, without waiting for it', async () => {
    for (const url of [sync, slow]) {
      const { port } = new URL(url);
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = httpRequest({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/predict/cancer',
          headers: {
            'content-type': 'application/json',
            authorization: 'Bearer key',
            'content-length': String(PREDICT_BODY_LIMIT_BYTES + 1),
          },
        });
        request.on('response', (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => {
            resolve({ status: response.statusCode ?? 0, body });
            request.destroy();
          });
        });
        request.on('error', reject);
        request.write('{"rows": [');
      });
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'payload-too-large' } });
    }
  });

  it("refuses a prediction that is not POSTed, telling how to send one, in the API's error shape", async () => {
    const response = await fetch(`${sync}/api/predict/cancer`, { headers: { authorization: 'Bearer key' } });
    expect(response.status).toBe(405);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual({
      error: {
        code: 'method-not-allowed',
        message: 'predictions are POSTed: POST /api/predict/<name> { "rows": [...] }',
      },
    });
  });

  it('keeps /metrics to the holder of its token, saying what to send, and off without one', async () => {
    const scrape = async (options: { metricsToken?: string }, token?: string) => {
      const handle = createPredictionHandler(
        { deployment: () => deployment, key: () => undefined },
        new ServingMetrics(),
        options,
      );
      const server = createServer((request, response) => {
        if (!handle(request, response)) response.writeHead(404).end();
      });
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      return { status: response.status, body: await response.text() };
    };
    const refusal = (message: string) => ({
      status: 401,
      body: JSON.stringify({ error: { code: 'unauthenticated', message } }),
    });
    expect(await scrape({}, 'anything')).toEqual(
      refusal('/metrics is off: set PIPEWRIGHT_METRICS_TOKEN on the server and scrape with that token'),
    );
    expect(await scrape({ metricsToken: 'scrape' }, 'wrong')).toEqual(
      refusal('send the metrics token (PIPEWRIGHT_METRICS_TOKEN) as `Authorization: Bearer <token>`'),
    );
    const scraped = await scrape({ metricsToken: 'scrape' }, 'scrape');
    expect(scraped.status).toBe(200);
    expect(scraped.body).toContain('# TYPE');
  });

  it('answers a name that is not valid percent-encoding with 400, and a junk key alike for any deployment (issue 14)', async () => {
    for (const name of ['%', '%E0%A4%A']) {
      const response = await fetch(`${sync}/api/predict/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer key' },
        body: '{"rows":[]}',
      });
      expect(response.status).toBe(400);
    }
    const junk = { deployment: (name: string) => (name === 'cancer' ? deployment : undefined), key: () => undefined };
    const { server, url } = await serve(junk);
    servers.push(server);
    const answers = await Promise.all(
      ['cancer', 'cancez'].map(async (name) => {
        const response = await fetch(`${url}/api/predict/${name}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer junk' },
          body: JSON.stringify({ rows: [rows[0]] }),
        });
        return { status: response.status, text: (await response.text()).replace(name, 'NAME') };
      }),
    );
    expect(answers[0].status).toBe(401);
    expect(answers[1]).toEqual(answers[0]);
  });

  it('holds the bodies being read to one budget: past it, a 503 to retry', async () => {
    const handle = createPredictionHandler(
      { deployment: () => deployment, key: () => ({ keyId: 'k1', deploymentId: 'd1', ratePerSecond: 1e6 }) },
      undefined,
      { bodyBudgetBytes: 1024 * 1024 },
    );
    const server = createServer((request, response) => {
      if (!handle(request, response)) response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    const { port } = server.address() as AddressInfo;
    // One body declaring 900 kB holds most of the budget while it arrives slowly; a second is refused.
    const first = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/predict/cancer',
      headers: { 'content-type': 'application/json', authorization: 'Bearer key', 'content-length': '900000' },
    });
    first.on('error', () => undefined);
    first.write('{"rows": [');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await fetch(`http://127.0.0.1:${port}/api/predict/cancer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer key' },
      body: JSON.stringify({ rows: Array.from({ length: 400 }, () => rows[0]) }),
    });
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('1');
    first.destroy();
    // Once the first is gone, its share of the budget is back.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const third = await post(sync, JSON.stringify({ rows: [rows[0]] }));
    expect(third.status).toBe(200);
  });
});
