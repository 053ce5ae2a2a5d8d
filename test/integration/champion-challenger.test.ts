import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentOutcome, PipelineFile, PromotionDecision, RunEvent } from '../../nodes/dist/index.js';
import { challengerPipeline } from './example-pipelines.js';
import { api, startTestServer, waitFor, type Identity, type TestServer } from './test-environment.js';

interface Version {
  version: number;
  serving: boolean;
  metrics?: Record<string, number>;
  promoted?: boolean;
  reason?: string;
  decision?: PromotionDecision;
  trigger?: { kind: string; email?: string };
  handPromotion?: { email: string };
}

const challenger = (deploy: Record<string, unknown>, weak: boolean) => challengerPipeline('cc', deploy, weak);

const ifBetter = { policy: 'ifBetter', metric: 'accuracy' };

describe('champion–challenger deploys', () => {
  let server: TestServer;
  let editor: Identity;

  /** Runs a pipeline as `who` and answers its deploy node's outcome and the accuracy its evaluation gave. */
  async function deploy(who: Identity, file: PipelineFile): Promise<{ outcome: DeploymentOutcome; accuracy: number }> {
    const pipeline = await api<{ id: string }>(who, 'POST', '/pipelines', file);
    const run = await api<{ id: string }>(who, 'POST', `/pipelines/${pipeline.body.id}/runs`, {});
    const event = await waitFor(
      async () => {
        const page = await api<{ items: RunEvent[] }>(who, 'GET', `/runs/${run.body.id}/events`);
        const failed = page.body.items.find((e) => e.type === 'run-finished' && e.status !== 'succeeded');
        if (failed) throw new Error(`the run did not succeed: ${JSON.stringify(page.body.items.slice(-5))}`);
        return page.body.items.find((e) => e.type === 'deployment');
      },
      120_000,
      `the deployment of "${file.name}"`,
    );
    const document = await api<{ nodes: Record<string, { metrics?: { accuracy: number } }> }>(
      who,
      'GET',
      `/runs/${run.body.id}`,
    );
    return { outcome: event as DeploymentOutcome, accuracy: document.body.nodes.metrics.metrics!.accuracy };
  }

  const versions = async () => (await api<{ items: Version[] }>(server, 'GET', '/deployments/cc/versions')).body.items;

  beforeAll(async () => {
    server = await startTestServer();
    editor = await server.as('editor');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('promotes a challenger that beats the champion on the same rows, keeps a worse one with its reason, and shows both', async () => {
    const first = await deploy(server, challenger(ifBetter, true));
    expect(first.outcome).toMatchObject({ version: 1, serving: true });
    expect((first.outcome as { decision: PromotionDecision }).decision.reason).toBe(
      'the first version of a deployment serves',
    );

    const better = await deploy(server, challenger(ifBetter, false));
    expect(better.outcome).toMatchObject({ version: 2, serving: true });
    const won = (better.outcome as { decision: PromotionDecision }).decision;
    // Both figures are on the new run's 114 withheld rows: the new model's is its own evaluation's, and v1's
    // on these same rows is what v1 scored on them when it was evaluated (the same split).
    expect(won).toMatchObject({
      policy: 'ifBetter',
      promoted: true,
      metric: 'accuracy',
      rows: 114,
      evaluatedBy: 'metrics',
      champion: { version: 1 },
    });
    expect(won.challenger).toBeCloseTo(better.accuracy, 10);
    expect(won.champion!.value).toBeCloseTo(first.accuracy, 10);
    expect(won.challenger! - won.champion!.value).toBeGreaterThan(0.2);
    expect(won.reason).toMatch(
      /^accuracy 0\.98\d\d against v1's 0\.\d{4} on the 114 rows "metrics" evaluated: better by /,
    );

    const worse = await deploy(server, challenger(ifBetter, true));
    expect(worse.outcome).toMatchObject({ version: 3, serving: false });
    const lost = (worse.outcome as { decision: PromotionDecision }).decision;
    expect(lost).toMatchObject({ promoted: false, champion: { version: 2 }, rows: 114 });
    expect(lost.challenger).toBeCloseTo(first.accuracy, 10);
    expect(lost.champion!.value).toBeCloseTo(better.accuracy, 10);
    expect(lost.reason).toMatch(
      /^accuracy 0\.\d{4} against v2's 0\.98\d\d on the 114 rows "metrics" evaluated: worse by /,
    );

    // v2 still answers predictions.
    const summary = await api<{ activeVersion: number }>(server, 'GET', '/deployments/cc');
    expect(summary.body.activeVersion).toBe(2);

    const history = await versions();
    expect(history.map((v) => [v.version, v.serving, v.promoted])).toEqual([
      [3, false, false],
      [2, true, true],
      [1, false, true],
    ]);
    expect(history[0]).toMatchObject({
      reason: lost.reason,
      trigger: { kind: 'user', email: 'admin@pipewright.test' },
    });
    expect(history[0].metrics!.accuracy).toBeCloseTo(first.accuracy, 10);
    expect(history[1]).toMatchObject({ reason: won.reason });
    expect(history[1].metrics!.accuracy).toBeCloseTo(better.accuracy, 10);

    // The audit log has both: the promoted challenger as published, the refused one with its figures.
    const audit = await api<{ items: { action: string; details: Record<string, unknown> }[] }>(
      server,
      'GET',
      '/audit?object=deployment:cc',
    );
    expect(audit.body.items.map((entry) => [entry.action, entry.details.version])).toEqual([
      ['deployment.refused', 3],
      ['deployment.published', 2],
      ['deployment.published', 1],
    ]);
    expect(audit.body.items[0].details).toMatchObject({ serving: false, reason: lost.reason, rows: 114 });
  });

  it('keeps an editor’s new version of a serving deployment as a candidate, leaving the serving version and its canary (issue 14.5)', async () => {
    // Two versions an admin's runs published, and a canary on the first.
    const versionsOf = async () =>
      (await api<{ items: Version[] }>(server, 'GET', '/deployments/editor-cc/versions')).body.items ?? [];
    const publish = async (who: Identity, version: number) => {
      const pipeline = await api<{ id: string }>(who, 'POST', '/pipelines', challengerPipeline('editor-cc', {}, false));
      await api(who, 'POST', `/pipelines/${pipeline.body.id}/runs`, {});
      return waitFor(
        async () => (await versionsOf()).find((v) => v.version === version),
        120_000,
        `version ${version} of editor-cc`,
      );
    };
    await publish(server, 1);
    await publish(server, 2);
    await api(server, 'PUT', '/deployments/editor-cc/canary', { version: 1, share: 0.2 });

    // An editor's run with a deploy.service node named after it.
    const candidate = await publish(editor, 3);
    const summary = await api<{ activeVersion: number; canary: unknown }>(server, 'GET', '/deployments/editor-cc');
    expect(summary.body).toMatchObject({ activeVersion: 2, canary: { version: 1, share: 0.2 } });
    expect(candidate).toMatchObject({ serving: false, promoted: false });
    expect(candidate.reason).toMatch(/^policy always; needs an admin to promote/);

    // An admin promotes the candidate by hand; its history says who.
    const promoted = await api<{ activeVersion: number }>(server, 'POST', '/deployments/editor-cc/promote', {
      version: 3,
    });
    expect(promoted.body.activeVersion).toBe(3);
    const [latest] = await versionsOf();
    expect(latest).toMatchObject({
      version: 3,
      serving: true,
      promoted: false,
      handPromotion: { email: 'admin@pipewright.test' },
      trigger: { kind: 'user' },
    });
  });
});
