import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { PipelineFile, RunDocument, TemplateFile, TemplateParam } from '../../nodes/dist/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemplateGallerySeeder } from '../../server/dist/templates/template-gallery-seeder.js';
import { api, logIn, startTestServer, waitFor, type Identity, type TestServer } from './test-environment.js';

const templatesDir = fileURLToPath(new URL('../../templates/', import.meta.url));

interface Template {
  id: string;
  name: string;
  gallery: boolean;
  version: number;
  params: TemplateParam[];
  document: TemplateFile;
  versions: { version: number }[];
}

interface Pipeline extends PipelineFile {
  id: string;
  template?: { id: string; name: string; version: number };
}

interface ErrorBody {
  error: { code: string; message: string; param?: string; nodeId?: string };
}

describe('templates', () => {
  let server: TestServer;
  let gallery: Template[];

  beforeAll(async () => {
    server = await startTestServer({ env: { PIPEWRIGHT_WORKER_CONCURRENCY: '2' } });
    gallery = (await api<{ items: Template[] }>(server, 'GET', '/templates')).body.items.filter((t) => t.gallery);
  });
  afterAll(async () => {
    await server?.close();
  });

  const finished = (runId: string, who: Identity = server) =>
    waitFor(
      async () => {
        const { body } = await api<RunDocument>(who, 'GET', `/runs/${runId}`);
        return ['succeeded', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
      },
      180_000,
      `run ${runId} to finish`,
    );
  const instantiate = (id: string, body: unknown, who: Identity = server) =>
    api<{ id: string } & ErrorBody>(who, 'POST', `/templates/${id}/instantiate`, body);
  const byName = (name: string) => gallery.find((t) => t.name === name) as Template;

  it('seeds the gallery from the shipped files, once however often a server starts', async () => {
    const files = (await readdir(templatesDir)).filter((name) => name.endsWith('.json'));
    const names = await Promise.all(
      files.map(async (file) => (JSON.parse(await readFile(`${templatesDir}${file}`, 'utf8')) as TemplateFile).name),
    );
    expect(gallery.length).toBeGreaterThanOrEqual(8);
    expect(gallery.map((t) => t.name).sort()).toEqual(names.sort());
    expect(gallery.every((t) => t.version === 1)).toBe(true);
    await server.server.app.get(TemplateGallerySeeder).onApplicationBootstrap();
    const again = (await api<{ items: Template[] }>(server, 'GET', '/templates')).body.items.filter((t) => t.gallery);
    expect(again.map((t) => [t.name, t.version])).toEqual(gallery.map((t) => [t.name, t.version]));
  });

  it('makes every gallery template into a pipeline that runs green on the shipped data', async () => {
    const started: { name: string; runId: string }[] = [];
    for (const template of gallery) {
      const created = await instantiate(template.id, {});
      expect(created.status, `${template.name}: ${JSON.stringify(created.body)}`).toBe(201);
      const pipeline = await api<Pipeline>(server, 'GET', `/pipelines/${created.body.id}`);
      expect(pipeline.body.template).toEqual({ id: template.id, name: template.name, version: 1 });
      const run = await api<{ id: string }>(server, 'POST', `/pipelines/${created.body.id}/runs`, {});
      expect(run.status, `${template.name}: ${JSON.stringify(run.body)}`).toBe(201);
      started.push({ name: template.name, runId: run.body.id });
    }
    for (const { name, runId } of started) {
      const run = await finished(runId);
      const failed = Object.entries(run.nodes).filter(([, node]) => node.status === 'failed');
      expect({ name, status: run.status, failed }).toEqual({ name, status: 'succeeded', failed: [] });
    }
  });

  it('sets the declared params from the form, and refuses a value of the wrong kind naming the param', async () => {
    const binary = byName('Binary classification — logistic regression');
    const created = await instantiate(binary.id, {
      name: 'Cancer, 70 % train',
      params: { trainFraction: 0.7, seed: 7 },
    });
    expect(created.status).toBe(201);
    const pipeline = (await api<Pipeline>(server, 'GET', `/pipelines/${created.body.id}`)).body;
    expect(pipeline.name).toBe('Cancer, 70 % train');
    expect(pipeline.params).toEqual({ label: 'diagnosis', trainFraction: 0.7, seed: 7, l2: 1 });
    const run = await finished(
      (await api<{ id: string }>(server, 'POST', `/pipelines/${pipeline.id}/runs`, {})).body.id,
    );
    expect(run.status).toBe('succeeded');
    // 30 % of 569 rows withheld.
    expect(run.nodes.metrics.metrics?.rows).toBe(171);

    const refused = async (params: Record<string, unknown>) => {
      const answer = await instantiate(binary.id, { params });
      expect(answer.status).toBe(400);
      return answer.body.error;
    };
    expect(await refused({ seed: 'seven' })).toMatchObject({
      param: 'seed',
      message: 'params.seed: expected a whole number, got "seven"',
    });
    expect(await refused({ trainFraction: 1.5 })).toMatchObject({ param: 'trainFraction' });
    expect(await refused({ label: 'colour' })).toMatchObject({
      param: 'label',
      message: expect.stringContaining('"colour" is not a column of the template\'s data'),
    });
    expect(await refused({ learningRate: 1 })).toMatchObject({ param: 'learningRate' });
    const viewer = await server.as('viewer');
    expect((await instantiate(binary.id, {}, viewer)).status).toBe(403);
  });

  it('saves a pipeline as a versioned template, exports it as a data-only file and imports it elsewhere', async () => {
    const clustering = byName('Clustering — k-means');
    const made = await instantiate(clustering.id, {});
    const runId = (await api<{ id: string }>(server, 'POST', `/pipelines/${made.body.id}/runs`, {})).body.id;
    expect((await finished(runId)).status).toBe('succeeded');

    const saved = await api<Template>(server, 'POST', `/pipelines/${made.body.id}/template`, {
      name: 'Our flower clusters',
      description: 'k-means on iris, our way',
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    expect(saved.body).toMatchObject({ gallery: false, version: 1, name: 'Our flower clusters' });
    // The types and descriptions are those the pipeline kept from its template (paramInfo); the column param offers
    // the columns its node saw in the last run. In the order the nodes use them.
    expect(saved.body.params).toEqual([
      { name: 'scaling', type: 'string', description: 'How to put the columns on one scale first.' },
      { name: 'k', type: 'integer', description: 'How many clusters.' },
      {
        name: 'compareWith',
        type: 'column',
        description: 'A column of known groups to compare the clusters with (never used to fit).',
        columns: ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)', 'species'],
      },
    ]);
    const again = await api<Template>(server, 'POST', `/pipelines/${made.body.id}/template`, {
      name: 'our flower clusters',
      params: [{ name: 'k', type: 'integer', description: 'How many groups', allowed: [2, 3, 4] }],
    });
    expect(again.body).toMatchObject({ id: saved.body.id, version: 2 });
    expect(again.body.versions.map((v) => v.version)).toEqual([2, 1]);
    const wrong = await api<ErrorBody>(server, 'POST', `/pipelines/${made.body.id}/template`, {
      params: [{ name: 'epochs' }],
    });
    expect(wrong.body.error).toMatchObject({ param: 'epochs' });

    const exported = await fetch(`${server.url}/api/templates/${saved.body.id}/export?version=2`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(exported.headers.get('content-disposition')).toBe(
      'attachment; filename="our-flower-clusters-v2.template.json"',
    );
    const file = (await exported.json()) as TemplateFile;
    expect(file).toMatchObject({ format: 'pipewright-template/v1', params: [{ name: 'k', allowed: [2, 3, 4] }] });
    expect(JSON.stringify(file)).not.toMatch(/"id":\s*"[0-9a-f]{8}-/);

    // Another workspace imports the file and makes a pipeline of it.
    const workspace = await api<{ id: string }>(server, 'POST', '/workspaces', { name: 'Elsewhere' });
    const user = { email: 'elsewhere@pipewright.test', password: 'a long enough password' };
    await api(server, 'POST', '/users', { ...user, role: 'editor', workspaceId: workspace.body.id });
    const other: Identity = { url: server.url, token: await logIn(server, user.email, user.password) };
    expect((await api(other, 'GET', `/templates/${saved.body.id}`)).status).toBe(404);
    const imported = await api<Template>(other, 'POST', '/templates', file);
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ name: 'our flower clusters', version: 1, gallery: false });
    const theirs = await instantiate(imported.body.id, { params: { k: 4 } }, other);
    expect(theirs.status).toBe(201);
    const theirRun = await api<{ id: string }>(other, 'POST', `/pipelines/${theirs.body.id}/runs`, {});
    expect((await finished(theirRun.body.id, other)).status).toBe('succeeded');
    expect((await instantiate(imported.body.id, { params: { k: 5 } }, other)).body.error).toMatchObject({ param: 'k' });
    expect((await api<ErrorBody>(other, 'POST', '/templates', { ...file, format: 'pipewright/v1' })).status).toBe(400);
  });

  it('starts a template’s params from the pipeline’s paramInfo, and refuses paramInfo about a param it lacks', async () => {
    const made = await instantiate(byName('Clustering — k-means').id, {});
    const pipeline = (await api<Pipeline & { version: number }>(server, 'GET', `/pipelines/${made.body.id}`)).body;
    const { version } = pipeline;
    const { format, name, params, nodes, edges } = pipeline;
    const file = { format, name, params, nodes, edges };
    const refused = await api<ErrorBody>(server, 'PUT', `/pipelines/${made.body.id}`, {
      ...file,
      paramInfo: { clusters: { type: 'integer' } },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain(
      'paramInfo describes "clusters", which is not one of the pipeline\'s params',
    );
    expect((await api<Pipeline & { version: number }>(server, 'GET', `/pipelines/${made.body.id}`)).body.version).toBe(
      version,
    );

    const described = await api<Pipeline>(server, 'PUT', `/pipelines/${made.body.id}`, {
      ...file,
      paramInfo: { k: { type: 'integer', description: 'How many groups to find' } },
    });
    expect(described.status, JSON.stringify(described.body)).toBe(200);
    expect(described.body.paramInfo).toEqual({ k: { type: 'integer', description: 'How many groups to find' } });
    const saved = await api<Template>(server, 'POST', `/pipelines/${made.body.id}/template`, {
      name: 'Described clusters',
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    expect(saved.body.params.find((param) => param.name === 'k')).toEqual({
      name: 'k',
      type: 'integer',
      description: 'How many groups to find',
    });
  });

  it('makes the datasets and schedules a template comes with', async () => {
    const binary = byName('Binary classification — logistic regression');
    const document = binary.document ?? (await api<Template>(server, 'GET', `/templates/${binary.id}`)).body.document;
    const retraining: TemplateFile = {
      ...document,
      name: 'Retrain on new iris',
      params: [
        { name: 'dataset', type: 'dataset', description: 'The data' },
        { name: 'label', type: 'column' },
      ],
      datasets: [{ name: { $param: 'dataset' }, file: 'data/iris.csv' }],
      schedules: [{ onDataset: { $param: 'dataset' } }],
      pipeline: {
        ...document.pipeline,
        params: { dataset: 'iris-training', label: 'species', trainFraction: 0.8, seed: 1, l2: 1 },
        nodes: document.pipeline.nodes.map((node) =>
          node.id === 'source' ? { ...node, params: { dataset: { $param: 'dataset' } } } : node,
        ),
      },
    };
    const imported = await api<Template>(server, 'POST', '/templates', retraining);
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    const made = await instantiate(imported.body.id, {});
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const dataset = await api<{ version: number; rows: number }>(server, 'GET', '/datasets/iris-training');
    expect(dataset.body).toMatchObject({ version: 1, rows: 150 });
    const schedules = await api<{ items: { onDataset: string }[] }>(
      server,
      'GET',
      `/pipelines/${made.body.id}/schedules`,
    );
    expect(schedules.body.items).toEqual([expect.objectContaining({ onDataset: 'iris-training' })]);
    // A second pipeline from it finds the dataset there and does not make another version.
    expect((await instantiate(imported.body.id, {})).status).toBe(201);
    expect((await api<{ version: number }>(server, 'GET', '/datasets/iris-training')).body.version).toBe(1);
    // Another name is made from the shipped file too; a template that ships none needs the dataset to exist.
    expect((await instantiate(imported.body.id, { params: { dataset: 'my-iris' } })).status).toBe(201);
    expect((await api<{ rows: number }>(server, 'GET', '/datasets/my-iris')).body.rows).toBe(150);
    const bringYourOwn = await api<Template>(server, 'POST', '/templates', {
      ...retraining,
      name: 'Retrain on your own data',
      datasets: [],
      schedules: [],
    });
    const missing = await instantiate(bringYourOwn.body.id, { params: { dataset: 'nowhere' } });
    expect(missing.body.error).toMatchObject({
      param: 'dataset',
      message: 'params.dataset: dataset "nowhere" does not exist in this workspace',
    });
  });
});
