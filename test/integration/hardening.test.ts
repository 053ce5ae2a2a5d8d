import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type Identity, type TestServer } from './test-environment.js';

const pipeline = (nodes: unknown[], edges: unknown[] = [], name = 'hardening') => ({
  format: 'pipewright/v1',
  name,
  nodes,
  edges,
});
const source = (params: Record<string, unknown> = { path: 'breast_cancer.csv' }, id = 'src') => ({
  id,
  type: 'source.csv',
  params,
});

/**
 * POSTs a body of `declared` bytes in 1 MiB chunks, going on after the answer
 * as long as the server keeps taking them; answers the status and how many
 * bytes the server had taken when it answered, and in all.
 */
function postLargeBody(
  url: string,
  path: string,
  declared: number,
  headers: Record<string, string>,
): Promise<{ status: number; sentBeforeAnswer: number; sent: number }> {
  return new Promise((resolve) => {
    const target = new URL(path, url);
    let sent = 0;
    let status = 0;
    let sentBeforeAnswer = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve({ status, sentBeforeAnswer, sent });
    };
    const request = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': declared },
      },
      (response) => {
        status = response.statusCode ?? 0;
        sentBeforeAnswer = sent;
        response.resume();
      },
    );
    request.on('error', finish);
    request.on('close', finish);
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const pump = () => {
      while (!done && sent < declared && !request.destroyed) {
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once('drain', pump);
      }
      if (sent >= declared) request.end();
    };
    pump();
  });
}

/** Issue 14: one regression test per finding of the adversarial pass (items 1, 7, 9, 10, 12). */
describe('hardening (issue 14)', () => {
  let server: TestServer;
  let editor: Identity;
  beforeAll(async () => {
    server = await startTestServer({ worker: false });
    editor = await server.as('editor');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers a prediction path that is not valid percent-encoding with a 400, and stays up (1)', async () => {
    for (const name of ['%', '%E0%A4%A']) {
      const response = await fetch(`${server.url}/api/predict/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer key' },
        body: '{"rows":[]}',
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/percent-encoding/);
    }
    const elsewhere = await api(server, 'GET', '/pipelines/%E0%A4%A');
    expect(elsewhere.status).toBe(400);
    expect((await api(server, 'GET', '/health')).status).toBe(200);
  });

  it('refuses keyless prediction bodies from the headers, without reading them (7)', async () => {
    // Twelve bodies of 50 MB at once, with no key and with a junk key: each is answered while it is still
    // being sent, and the server closes the connection instead of taking the rest.
    const declared = 50 * 1024 * 1024;
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        postLargeBody(server.url, '/api/predict/anything', declared, i % 2 ? { authorization: 'Bearer junk' } : {}),
      ),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.sentBeforeAnswer).toBeLessThan(declared);
      expect(answer.sent).toBeLessThan(declared);
    }
    expect((await api(server, 'GET', '/health')).status).toBe(200);
  });

  it('answers NUL characters with a 400 naming the field (9)', async () => {
    const named = await api<{ error: { message: string } }>(
      editor,
      'POST',
      '/pipelines',
      pipeline([source()], [], 'a\u0000b'),
    );
    expect(named.status).toBe(400);
    expect(named.body.error.message).toMatch(/^name contains a NUL character/);

    const path = await api<{ error: { message: string; nodeId: string; param: string } }>(
      editor,
      'POST',
      '/pipelines',
      pipeline([source({ path: 'a\u0000.csv' })]),
    );
    expect(path.status).toBe(400);
    expect(path.body.error).toMatchObject({ nodeId: 'src', param: 'path' });

    // A lone surrogate (JSON's "\ud800") cannot be stored either.
    const lone = await api<{ error: { message: string; nodeId: string; param: string } }>(
      editor,
      'POST',
      '/pipelines',
      pipeline([source({ path: 'cells\ud800.csv' })]),
    );
    expect(lone.status).toBe(400);
    expect(lone.body.error).toMatchObject({ nodeId: 'src', param: 'path' });
    expect(lone.body.error.message).toMatch(/is not valid Unicode text \(a lone surrogate \\ud800 at character 6\)/);

    const workspace = await api<{ error: { message: string } }>(server, 'POST', '/workspaces', { name: 'w\u0000' });
    expect(workspace.status).toBe(400);
    expect(workspace.body.error.message).toMatch(/^name contains a NUL/);
    const key = await api<{ error: { message: string } }>(server, 'POST', '/deployments/any/keys', { name: 'k\u0000' });
    expect(key.status).toBe(400);
    expect(key.body.error.message).toMatch(/^name contains a NUL/);
    const batch = await api<{ error: { message: string } }>(server, 'POST', '/deployments/any/batch', {
      dataset: 'd\u0000',
    });
    expect(batch.status).toBe(400);
    expect(batch.body.error.message).toMatch(/^dataset contains a NUL/);
  });

  it('answers params nested 5,000 deep and numbers past a column with a 400 naming them (9)', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const nested = await api<{ error: { message: string; nodeId: string; param: string } }>(
      editor,
      'POST',
      '/pipelines',
      JSON.stringify(pipeline([source({ path: 'x.csv', extra: 0 })])).replace('"extra":0', `"extra":${deep}`),
    );
    expect(nested.status).toBe(400);
    expect(nested.body.error).toMatchObject({ nodeId: 'src', param: 'extra' });
    expect(nested.body.error.message).toMatch(/nests deeper than 64 levels/);

    const created = await api<{ id: string }>(editor, 'POST', '/pipelines', pipeline([source()]));
    const version = await api<{ error: { message: string } }>(
      editor,
      'GET',
      `/pipelines/${created.body.id}/versions/99999999999`,
    );
    expect(version.status).toBe(400);
    expect(version.body.error.message).toMatch(/version must be a whole number from 1 to 2147483647/);
    const events = await api<{ error: { message: string } }>(
      editor,
      'GET',
      `/runs/${created.body.id}/events?afterSeq=9007199254740991`,
    );
    expect(events.status).toBe(400);
    expect(events.body.error.message).toMatch(/^afterSeq: must be a whole number/);
    const promote = await api<{ error: { message: string } }>(server, 'POST', '/deployments/any/promote', {
      version: 99999999999,
    });
    expect(promote.status).toBe(400);
    expect(promote.body.error.message).toMatch(/^version: must be a whole number/);
  });

  it('refuses a node id that every JavaScript object has, and a number past a double, naming node and param (12)', async () => {
    for (const id of ['__proto__', 'constructor', 'toString']) {
      const refused = await api<{ error: { code: string; nodeId: string; message: string } }>(
        editor,
        'POST',
        '/pipelines',
        pipeline([source(undefined, id)]),
      );
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toContain(`"${id}" is a name every JavaScript object already has`);
    }
    const text = JSON.stringify(
      pipeline(
        [source(), { id: 'split', type: 'split.random', params: { fraction: 0.5 } }],
        [{ from: 'src.out', to: 'split.in' }],
      ),
    ).replace('"fraction":0.5', '"fraction":1e999');
    const huge = await api<{ error: { message: string; nodeId: string; param: string } }>(
      editor,
      'POST',
      '/pipelines',
      text,
    );
    expect(huge.status).toBe(400);
    expect(huge.body.error).toMatchObject({ nodeId: 'split', param: 'fraction' });
    expect(huge.body.error.message).not.toMatch(/null/);
  });

  it('keeps /metrics behind its token and tells health only what a load balancer needs (10)', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer wrong' } });
    expect(wrong.status).toBe(401);
    const scraped = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${server.metricsToken}` },
    });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('pipewright_');
    const health = await api(await server.as('anonymous'), 'GET', '/health');
    expect(Object.keys(health.body as object).sort()).toEqual(['database', 'status', 'workers']);
    expect(JSON.stringify(health.body)).not.toContain(server.environment.home);
  });
});
