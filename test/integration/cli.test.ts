import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { hashSecret } from '../../server/dist/auth/tokens.js';
import { connectDatabase } from '../../server/dist/database/database-connection.js';
import { breastCancerPipeline } from './example-pipelines.js';
import { cliRunDocumentSchema } from '../../nodes/dist/contracts/index.js';
import { createTestEnvironment, runPipewright, type TestEnvironment } from './test-environment.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const example = join(root, 'examples', 'breast-cancer.json');

/** The `--json` document, held to its contract (the parse names any field off it). */
const cliJson = (stdout: string) => cliRunDocumentSchema.parse(JSON.parse(stdout));

describe('pipewright CLI', () => {
  let environment: TestEnvironment;
  let workDir: string;

  const pipewright = (...args: string[]) => runPipewright(args, { cwd: workDir, env: environment.env });

  /** Queries the database the CLI used (its embedded PostgreSQL, started for the query, or DATABASE_URL's). */
  const query = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const database = await connectDatabase({ databaseUrl: environment.databaseUrl, home: environment.home });
    const client = new pg.Client({ connectionString: database.url });
    try {
      await client.connect();
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
      await database.stop();
    }
  };

  /** The example with a deploy.service node publishing its model as `name`, written beside a copy of its data. */
  const deployingFile = async (name: string): Promise<string> => {
    const dir = join(workDir, 'deploying');
    await mkdir(dir, { recursive: true });
    await copyFile(join(root, 'examples', 'data', 'breast_cancer.csv'), join(dir, 'cells.csv'));
    const file = breastCancerPipeline();
    file.nodes.find((n) => n.id === 'source')!.params = { path: 'cells.csv' };
    file.nodes.push({ id: 'deploy', type: 'deploy.service', params: { name }, position: { x: 1300, y: 0 } });
    file.edges.push({ from: 'train.model', to: 'deploy.model' });
    await writeFile(join(dir, `${name}.json`), JSON.stringify(file));
    return join(dir, `${name}.json`);
  };

  beforeAll(async () => {
    environment = await createTestEnvironment();
    workDir = await mkdtemp(join(environment.home, 'files-'));
  });
  afterAll(async () => {
    await environment?.dispose();
  });

  it('runs a file, prints one JSON document with --json, and exits 0', async () => {
    const result = await pipewright('run', example, '--json');
    expect(result.code, result.stderr).toBe(0);
    const document = cliJson(result.stdout);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(document.status).toBe('succeeded');
    expect(Object.keys(document.nodes)).toEqual(['source', 'dedupe', 'split', 'impute', 'train', 'score', 'metrics']);
    expect(document.nodes.train).toMatchObject({ status: 'succeeded', cached: false });
    expect(document.nodes.metrics.metrics?.accuracy).toBeGreaterThan(0.93);
  });

  it('reports unchanged nodes as cached the second time', async () => {
    const result = await pipewright('run', example, '--json');
    expect(result.code, result.stderr).toBe(0);
    const document = cliJson(result.stdout);
    for (const node of Object.values(document.nodes)) expect(node).toMatchObject({ status: 'cached', cached: true });
  });

  it('prints per-node progress and the metrics of the evaluate nodes', async () => {
    const result = await pipewright('run', example, '--param', 'seed=3');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/✓ train done in/);
    expect(result.stdout).toMatch(/= source cached/);
    expect(result.stdout).toMatch(/Run succeeded/);
    expect(result.stdout).toMatch(/metrics \(evaluate\.classification\):\n(.*\n)*\s+accuracy\s+0\.9\d+/);
  });

  it('exits 1 naming the failed node and why, reading data next to the file', async () => {
    const dir = join(workDir, 'failing');
    await mkdir(dir, { recursive: true });
    await copyFile(join(root, 'examples', 'data', 'breast_cancer.csv'), join(dir, 'cells.csv'));
    const file = breastCancerPipeline();
    file.nodes.find((n) => n.id === 'source')!.params = { path: 'cells.csv' };
    file.nodes.find((n) => n.id === 'train')!.params = { label: 'no_such_column' };
    await writeFile(join(dir, 'failing.json'), JSON.stringify(file));

    const json = await pipewright('run', join(dir, 'failing.json'), '--json');
    expect(json.code, json.stderr).toBe(1);
    const document = cliJson(json.stdout);
    expect(document.status).toBe('failed');
    expect(document.nodes.source.status).toMatch(/succeeded|cached/);
    expect(document.nodes.train.status).toBe('failed');
    expect(document.nodes.train.error).toMatchObject({ param: 'label', column: 'no_such_column' });
    expect(document.nodes.metrics.status).toBe('cancelled');

    const human = await pipewright('run', join(dir, 'failing.json'));
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/node "train" failed: column "no_such_column" is not in the table/);
  });

  it('exits 2 for an invalid file, naming the node and param, before starting anything', async () => {
    const file = breastCancerPipeline();
    file.nodes.find((n) => n.id === 'split')!.params = { fraction: 3 };
    await writeFile(join(workDir, 'invalid.json'), JSON.stringify(file));
    const result = await pipewright('run', join(workDir, 'invalid.json'), '--json');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/node "split", param "fraction"/);

    await writeFile(join(workDir, 'broken.json'), '{ "format": "pipewright/v1", ');
    const malformed = await pipewright('run', join(workDir, 'broken.json'));
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/is not valid JSON/);

    const missing = await pipewright('run', join(workDir, 'absent.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*absent\.json: no such file/);

    const unknownParam = await pipewright('run', example, '--param', 'nope=1');
    expect(unknownParam.code).toBe(2);
    expect(unknownParam.stderr).toMatch(/param "nope"/);
  });

  it('deploys a deploy.service node before exiting, says where to call it, and shows a new API key once', async () => {
    const file = await deployingFile('cli-cancer');
    const first = await pipewright('run', file);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Deployed "cli-cancer" version 1 \(node "deploy"\)/);
    expect(first.stdout).toMatch(/POST \/api\/predict\/cli-cancer .*npm start/);
    const apiKey = /API key, shown only this once \(keep it\): (\S+)/.exec(first.stdout)?.[1];
    expect(apiKey).toBeDefined();

    const second = await pipewright('run', file, '--json');
    expect(second.code, second.stderr).toBe(0);
    const document = cliJson(second.stdout);
    expect(document.status).toBe('succeeded');
    expect(document.deployments).toEqual([
      {
        nodeId: 'deploy',
        name: 'cli-cancer',
        version: 2,
        predictPath: '/api/predict/cli-cancer',
        serving: true,
        decision: { policy: 'always', promoted: true, reason: 'policy always: a new version serves' },
      },
    ]);

    const versions = await query<{ version: number; run_id: string; algorithm: string }>(
      `SELECT v.version, v.run_id, v.bundle->'model'->>'algorithm' AS algorithm
         FROM deployment_versions v JOIN deployments d ON d.id = v.deployment_id
        WHERE d.name = 'cli-cancer' ORDER BY v.version`,
    );
    expect(versions.map((v) => [v.version, v.algorithm])).toEqual([
      [1, 'logistic'],
      [2, 'logistic'],
    ]);
    expect(versions[0].run_id).not.toBe(versions[1].run_id);
    const keys = await query<{ key_hash: string }>(
      `SELECT k.key_hash FROM deployment_keys k JOIN deployments d ON d.id = k.deployment_id WHERE d.name = 'cli-cancer'`,
    );
    expect(keys).toEqual([{ key_hash: hashSecret(apiKey!) }]);
  });

  it('exits 1 saying why when the deployment cannot be made, and publishes nothing', async () => {
    await query(
      `WITH other AS (INSERT INTO workspaces (name) VALUES ('other team') RETURNING id)
       INSERT INTO deployments (name, workspace_id, active_version) SELECT 'taken', id, 1 FROM other`,
    );
    const result = await pipewright('run', await deployingFile('taken'), '--json');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /could not deploy "taken" \(node "deploy"\): deployment "taken" belongs to another workspace/,
    );
    const document = cliJson(result.stdout);
    expect(document.status).toBe('succeeded');
    expect(document.deployments).toEqual([
      { nodeId: 'deploy', name: 'taken', error: 'deployment "taken" belongs to another workspace' },
    ]);
    const versions = await query(
      `SELECT 1 FROM deployment_versions v JOIN deployments d ON d.id = v.deployment_id WHERE d.name = 'taken'`,
    );
    expect(versions).toHaveLength(0);
  });

  it('never prints a stack trace: what the run would crash on exits 2 with the reason, and validate refuses it too', async () => {
    const noStack = (output: string) => expect(output).not.toMatch(/\n\s+at /);

    // A lone surrogate (JSON's "\ud800") in a name: PostgreSQL cannot store it.
    const lone = breastCancerPipeline();
    await writeFile(
      join(workDir, 'lone.json'),
      JSON.stringify(lone).replace(`"name":"${lone.name}"`, `"name":"cells \\ud800"`),
    );
    for (const command of ['run', 'validate']) {
      const result = await pipewright(command, join(workDir, 'lone.json'));
      expect(result.code, command).toBe(2);
      expect(result.stderr, command).toMatch(
        /name is not valid Unicode text \(a lone surrogate \\ud800 at character 7\)/,
      );
      noStack(result.stderr);
    }

    // A dataset only the database can tell is missing: the run names the node and param.
    const dataset = breastCancerPipeline();
    dataset.nodes.find((n) => n.id === 'source')!.params = { dataset: 'no-such-dataset' };
    await writeFile(join(workDir, 'dataset.json'), JSON.stringify(dataset));
    const missing = await pipewright('run', join(workDir, 'dataset.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/node "source", param "dataset": dataset "no-such-dataset" does not exist/);
    noStack(missing.stderr);

    // Params every JavaScript object has are params the pipeline lacks, not silently ignored.
    for (const name of ['constructor', '__proto__']) {
      const result = await pipewright('validate', example, '--param', `${name}=2`);
      expect(result.code, name).toBe(2);
      expect(result.stderr, name).toContain(`the pipeline has no param "${name}"`);
    }
  });

  it('validates without running', async () => {
    expect((await pipewright('validate', example)).code).toBe(0);
    const invalid = await pipewright('validate', join(workDir, 'invalid.json'));
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/node "split", param "fraction"/);
  });

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
  });
});
