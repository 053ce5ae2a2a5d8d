import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { breastCancerPipeline } from './example-pipelines.js';
import { authHeaders, uploadDataset, type Identity } from './test-environment.js';

/**
 * Who calls, in the authorisation matrix: the admin, an editor and a viewer
 * of workspace A (where every object of the test lives), the admin of
 * another workspace B, nobody, and an instance admin working in A.
 */
export const CALLERS = ['admin', 'editor', 'viewer', 'other', 'anonymous', 'instance'] as const;
export type MatrixCaller = (typeof CALLERS)[number];

/** A 2xx answer, or the refusal expected (400 for a workspace named but out of reach, 403, 404 as unknown, 401). */
export type Outcome = 'ok' | 400 | 401 | 403 | 404;

/** What the test built in workspace A, and how to make a fresh object for a call that changes or deletes one. */
export interface Fixtures {
  workspaceA: string;
  workspaceB: string;
  pipelineId: string;
  runId: string;
  datasetId: string;
  /** The name of the dataset `datasetId` is a version of. */
  datasetName: string;
  scheduleId: string;
  /** A template saved in A. */
  templateId: string;
  /** One of the gallery's (every workspace sees it). */
  galleryTemplateId: string;
  deployment: string;
  keyId: string;
  batchId: string;
  /** Logged-in users: one per caller (none for anonymous). */
  identities: Record<MatrixCaller, Identity>;
  credentials: Record<Exclude<MatrixCaller, 'anonymous'>, { email: string; password: string }>;
  fresh: {
    pipeline(): Promise<string>;
    dataset(): Promise<string>;
    /** A new dataset of A with columns a and b: its name. */
    namedDataset(): Promise<string>;
    schedule(): Promise<string>;
    template(): Promise<string>;
    deployment(): Promise<string>;
    key(): Promise<string>;
    /** A user who is a member (editor) of A only. */
    userOfA(): Promise<{ id: string; email: string }>;
    /** A user who is a member of B only. */
    userOfB(): Promise<{ id: string; email: string }>;
    /** Another session of the caller's own user. */
    session(caller: MatrixCaller): Promise<Identity>;
    /** A new user with the caller's role and workspace, logged in (for acts on one's own account). */
    lookalike(caller: MatrixCaller): Promise<Identity & { password: string }>;
    name(prefix: string): string;
  };
}

/** One call: a method's path and body, or a call of its own (an upload); `as` replaces the caller's identity. */
export type MatrixRequest =
  | { path: string; body?: unknown; as?: Identity }
  | { send(identity: Identity): Promise<{ status: number; body: unknown }>; as?: Identity };

export interface RouteRule {
  /** The outcome per caller; anonymous defaults to 401, the instance admin to the admin's. */
  expect: Partial<Record<MatrixCaller, Outcome>>;
  request(fixtures: Fixtures, caller: MatrixCaller): MatrixRequest | Promise<MatrixRequest>;
}

/** Anyone of A reads it; to B's admin it is as unknown as a missing id. */
const READ = { admin: 'ok', editor: 'ok', viewer: 'ok', other: 404 } as const;
/** A list: each caller sees its own workspace's (B's admin sees none of A's — checked on every answer). */
const LIST = { admin: 'ok', editor: 'ok', viewer: 'ok', other: 'ok' } as const;
/** Builders (admins and editors) change it; viewers may not; B's admin does not find it. */
const WRITE = { admin: 'ok', editor: 'ok', viewer: 403, other: 404 } as const;
/** Builders make one in their own workspace (B's admin makes one in B). */
const CREATE = { admin: 'ok', editor: 'ok', viewer: 403, other: 'ok' } as const;
/** Admins of A only. */
const ADMIN = { admin: 'ok', editor: 403, viewer: 403, other: 404 } as const;
/** Everyone logged in. */
const ANYONE = { admin: 'ok', editor: 'ok', viewer: 'ok', other: 'ok' } as const;
/** Everyone, logged in or not. */
const OPEN = { ...ANYONE, anonymous: 'ok' } as const;

const irisCsv = fileURLToPath(new URL('../fixtures/data/iris.csv', import.meta.url));

const deploymentPath = (fx: Fixtures, rest = '') => `/deployments/${fx.deployment}${rest}`;

/** A file download: its status, and the error document when it is refused (a model file is not JSON). */
const download = (path: string): MatrixRequest => ({
  async send(identity) {
    const response = await fetch(`${identity.url}/api${path}`, { headers: authHeaders(identity) });
    const json = response.headers.get('content-type')?.startsWith('application/json');
    return { status: response.status, body: json ? await response.json() : undefined };
  },
});

/** A template file of the example pipeline, under a new name. */
export const templateFile = (name: string) => ({
  format: 'pipewright-template/v1',
  name,
  params: [{ name: 'seed', type: 'integer' }],
  pipeline: breastCancerPipeline(),
});

/**
 * The rule of every route of the API, keyed `METHOD /api/path` as Express
 * mounts it. The matrix test fails for a route with no rule here: a new
 * route adds its rule with it.
 */
export const AUTHORISATION_RULES: Record<string, RouteRule> = {
  // Accounts and sessions.
  'POST /api/auth/login': {
    expect: OPEN,
    request: (fx, caller) => {
      const { email, password } = fx.credentials[caller === 'anonymous' ? 'viewer' : caller];
      return { path: '/auth/login', body: { email, password } };
    },
  },
  'POST /api/auth/logout': {
    expect: OPEN,
    request: async (fx, caller) => ({ path: '/auth/logout', as: await fx.fresh.session(caller) }),
  },
  'GET /api/auth/me': { expect: ANYONE, request: () => ({ path: '/auth/me' }) },
  'POST /api/auth/workspace': {
    expect: { ...ANYONE, other: 404 },
    request: (fx) => ({ path: '/auth/workspace', body: { workspaceId: fx.workspaceA } }),
  },
  'POST /api/auth/password': {
    expect: ANYONE,
    request: async (fx, caller) => {
      const user = await fx.fresh.lookalike(caller);
      return {
        path: '/auth/password',
        body: { currentPassword: user.password, newPassword: 'another-password' },
        as: user,
      };
    },
  },
  'GET /api/users': { expect: { ...ADMIN, other: 'ok' }, request: () => ({ path: '/users' }) },
  'POST /api/users': {
    expect: { ...ADMIN, other: 400 },
    request: (fx) => ({
      path: '/users',
      body: { email: `${fx.fresh.name('new')}@matrix.test`, role: 'viewer', workspaceId: fx.workspaceA },
    }),
  },
  'PATCH /api/users/:id': {
    expect: ADMIN,
    request: async (fx) => ({ path: `/users/${(await fx.fresh.userOfA()).id}`, body: { disabled: true } }),
  },
  'POST /api/users/:id/password': {
    expect: ADMIN,
    request: async (fx) => ({ path: `/users/${(await fx.fresh.userOfA()).id}/password` }),
  },
  'GET /api/workspaces': { expect: ANYONE, request: () => ({ path: '/workspaces' }) },
  'POST /api/workspaces': {
    expect: { admin: 403, editor: 403, viewer: 403, other: 403, instance: 'ok' },
    request: (fx) => ({ path: '/workspaces', body: { name: fx.fresh.name('workspace') } }),
  },
  'PATCH /api/workspaces/:id': {
    expect: ADMIN,
    request: (fx) => ({ path: `/workspaces/${fx.workspaceA}`, body: { name: 'Alpha' } }),
  },
  'GET /api/workspaces/:id/members': {
    expect: ADMIN,
    request: (fx) => ({ path: `/workspaces/${fx.workspaceA}/members` }),
  },
  'POST /api/workspaces/:id/members': {
    expect: ADMIN,
    request: async (fx) => ({
      path: `/workspaces/${fx.workspaceA}/members`,
      body: { email: (await fx.fresh.userOfB()).email, role: 'viewer' },
    }),
  },
  'PATCH /api/workspaces/:id/members/:userId': {
    expect: ADMIN,
    request: async (fx) => ({
      path: `/workspaces/${fx.workspaceA}/members/${(await fx.fresh.userOfA()).id}`,
      body: { role: 'viewer' },
    }),
  },
  'DELETE /api/workspaces/:id/members/:userId': {
    expect: ADMIN,
    request: async (fx) => ({ path: `/workspaces/${fx.workspaceA}/members/${(await fx.fresh.userOfA()).id}` }),
  },
  'GET /api/audit': { expect: { ...ADMIN, other: 'ok' }, request: () => ({ path: '/audit' }) },

  // Pipelines and runs.
  'GET /api/pipelines': { expect: LIST, request: () => ({ path: '/pipelines' }) },
  'POST /api/pipelines': { expect: CREATE, request: () => ({ path: '/pipelines', body: breastCancerPipeline() }) },
  'POST /api/pipelines/validate': {
    expect: { ...CREATE },
    request: () => ({ path: '/pipelines/validate', body: breastCancerPipeline() }),
  },
  'GET /api/pipelines/:id': { expect: READ, request: (fx) => ({ path: `/pipelines/${fx.pipelineId}` }) },
  'PUT /api/pipelines/:id': {
    expect: WRITE,
    request: async (fx) => ({ path: `/pipelines/${await fx.fresh.pipeline()}`, body: breastCancerPipeline() }),
  },
  'DELETE /api/pipelines/:id': {
    expect: WRITE,
    request: async (fx) => ({ path: `/pipelines/${await fx.fresh.pipeline()}` }),
  },
  'GET /api/pipelines/:id/versions': {
    expect: READ,
    request: (fx) => ({ path: `/pipelines/${fx.pipelineId}/versions` }),
  },
  'GET /api/pipelines/:id/versions/:version': {
    expect: READ,
    request: (fx) => ({ path: `/pipelines/${fx.pipelineId}/versions/1` }),
  },
  'POST /api/pipelines/:id/runs': {
    expect: WRITE,
    request: async (fx) => ({ path: `/pipelines/${await fx.fresh.pipeline()}/runs`, body: {} }),
  },
  'GET /api/pipelines/:id/runs': { expect: READ, request: (fx) => ({ path: `/pipelines/${fx.pipelineId}/runs` }) },
  'GET /api/runs/:id': { expect: READ, request: (fx) => ({ path: `/runs/${fx.runId}` }) },
  'POST /api/runs/:id/cancel': { expect: WRITE, request: (fx) => ({ path: `/runs/${fx.runId}/cancel` }) },
  'GET /api/runs/:id/events': { expect: READ, request: (fx) => ({ path: `/runs/${fx.runId}/events` }) },
  // Only the run's starter gets its waiting keys (others of A get an empty list; viewers start no runs).
  'POST /api/runs/:id/key-reveals': { expect: WRITE, request: (fx) => ({ path: `/runs/${fx.runId}/key-reveals` }) },
  'GET /api/runs/:id/nodes/:node/preview': {
    expect: READ,
    request: (fx) => ({ path: `/runs/${fx.runId}/nodes/source/preview` }),
  },
  // A model taken away: by those who build and run pipelines (viewers look at results only).
  'GET /api/runs/:id/nodes/:node/export': {
    expect: WRITE,
    request: (fx) => download(`/runs/${fx.runId}/nodes/train/export?format=onnx`),
  },

  // Datasets.
  'GET /api/datasets': { expect: LIST, request: () => ({ path: '/datasets' }) },
  'POST /api/datasets': {
    expect: CREATE,
    request: () => ({
      send: async (identity) => uploadDataset(identity, 'iris.csv', await readFile(irisCsv)),
    }),
  },
  'GET /api/datasets/:name': {
    expect: READ,
    request: (fx) => ({ path: `/datasets/${encodeURIComponent(fx.datasetName)}` }),
  },
  'GET /api/datasets/:name/versions': {
    expect: READ,
    request: (fx) => ({ path: `/datasets/${encodeURIComponent(fx.datasetName)}/versions` }),
  },
  'POST /api/datasets/:name/rows': {
    expect: WRITE,
    request: async (fx) => ({
      path: `/datasets/${encodeURIComponent(await fx.fresh.namedDataset())}/rows`,
      body: { rows: [{ a: 3, b: 4 }] },
    }),
  },
  'DELETE /api/datasets/:idOrName': {
    expect: WRITE,
    request: async (fx) => ({ path: `/datasets/${await fx.fresh.dataset()}` }),
  },

  // Schedules.
  'GET /api/pipelines/:id/schedules': {
    expect: READ,
    request: (fx) => ({ path: `/pipelines/${fx.pipelineId}/schedules` }),
  },
  'POST /api/pipelines/:id/schedules': {
    expect: WRITE,
    request: (fx) => ({ path: `/pipelines/${fx.pipelineId}/schedules`, body: { cron: '0 6 * * *', paused: true } }),
  },
  'GET /api/schedules/:id': { expect: READ, request: (fx) => ({ path: `/schedules/${fx.scheduleId}` }) },
  'PATCH /api/schedules/:id': {
    expect: WRITE,
    request: async (fx) => ({ path: `/schedules/${await fx.fresh.schedule()}`, body: { cron: '0 7 * * *' } }),
  },
  'DELETE /api/schedules/:id': {
    expect: WRITE,
    request: async (fx) => ({ path: `/schedules/${await fx.fresh.schedule()}` }),
  },
  'GET /api/schedules/:id/runs': { expect: READ, request: (fx) => ({ path: `/schedules/${fx.scheduleId}/runs` }) },

  // Templates: the gallery's are everyone's; a saved one is its workspace's.
  'GET /api/templates': { expect: LIST, request: () => ({ path: '/templates' }) },
  'POST /api/templates': {
    expect: CREATE,
    request: (fx) => ({ path: '/templates', body: templateFile(fx.fresh.name('template')) }),
  },
  'GET /api/templates/:id': { expect: READ, request: (fx) => ({ path: `/templates/${fx.templateId}` }) },
  'GET /api/templates/:id/export': {
    expect: READ,
    request: (fx) => ({ path: `/templates/${fx.templateId}/export` }),
  },
  'DELETE /api/templates/:id': {
    expect: WRITE,
    request: async (fx) => ({ path: `/templates/${await fx.fresh.template()}` }),
  },
  'POST /api/templates/:id/instantiate': {
    expect: CREATE,
    request: (fx) => ({ path: `/templates/${fx.galleryTemplateId}/instantiate`, body: {} }),
  },
  'POST /api/pipelines/:id/template': {
    expect: WRITE,
    request: (fx) => ({ path: `/pipelines/${fx.pipelineId}/template`, body: { name: fx.fresh.name('saved') } }),
  },

  // Deployments.
  'POST /api/deployments': {
    expect: ADMIN,
    request: (fx) => ({
      path: '/deployments',
      body: { runId: fx.runId, nodeId: 'train', name: fx.fresh.name('model') },
    }),
  },
  'GET /api/deployments': { expect: LIST, request: () => ({ path: '/deployments' }) },
  'GET /api/deployments/:name': { expect: READ, request: (fx) => ({ path: deploymentPath(fx) }) },
  'DELETE /api/deployments/:name': {
    expect: ADMIN,
    request: async (fx) => ({ path: `/deployments/${await fx.fresh.deployment()}` }),
  },
  'GET /api/deployments/:name/versions': { expect: READ, request: (fx) => ({ path: deploymentPath(fx, '/versions') }) },
  'POST /api/deployments/:name/promote': {
    expect: ADMIN,
    request: (fx) => ({ path: deploymentPath(fx, '/promote'), body: { version: 2 } }),
  },
  'PUT /api/deployments/:name/canary': {
    expect: ADMIN,
    request: (fx) => ({ path: deploymentPath(fx, '/canary'), body: { version: 1, share: 0.1 } }),
  },
  'DELETE /api/deployments/:name/canary': { expect: ADMIN, request: (fx) => ({ path: deploymentPath(fx, '/canary') }) },
  'GET /api/deployments/:name/comparisons': {
    expect: READ,
    request: (fx) => ({ path: deploymentPath(fx, '/comparisons') }),
  },
  'GET /api/deployments/:name/keys': { expect: ADMIN, request: (fx) => ({ path: deploymentPath(fx, '/keys') }) },
  'POST /api/deployments/:name/keys': {
    expect: ADMIN,
    request: (fx) => ({ path: deploymentPath(fx, '/keys'), body: { name: 'matrix' } }),
  },
  'DELETE /api/deployments/:name/keys/:id': {
    expect: ADMIN,
    request: async (fx) => ({ path: deploymentPath(fx, `/keys/${await fx.fresh.key()}`) }),
  },
  'GET /api/deployments/:name/bundle': { expect: ADMIN, request: (fx) => ({ path: deploymentPath(fx, '/bundle') }) },
  'GET /api/deployments/:name/versions/:version/export': {
    expect: ADMIN,
    request: (fx) => download(deploymentPath(fx, '/versions/1/export?format=onnx')),
  },
  'POST /api/deployments/:name/batch': {
    expect: WRITE,
    request: (fx) => ({ path: deploymentPath(fx, '/batch'), body: { dataset: fx.datasetId } }),
  },
  'GET /api/deployments/:name/batch/:id': {
    expect: READ,
    request: (fx) => ({ path: deploymentPath(fx, `/batch/${fx.batchId}`) }),
  },
  'GET /api/deployments/:name/metrics': { expect: READ, request: (fx) => ({ path: deploymentPath(fx, '/metrics') }) },
  'GET /api/docs': { expect: LIST, request: () => ({ path: '/docs' }) },
  'GET /api/docs/:name': { expect: READ, request: (fx) => ({ path: `/docs/${fx.deployment}` }) },

  // The instance.
  'GET /api/health': { expect: OPEN, request: () => ({ path: '/health' }) },
  'GET /api/workers': { expect: ANYONE, request: () => ({ path: '/workers' }) },
};
