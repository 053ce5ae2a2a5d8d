import type { PromotionDecision } from '@pipewright/nodes';
import { requestJson } from './http';

export interface DeploymentSummary {
  name: string;
  activeVersion: number;
  versions: number;
  algorithm: string;
  task: string;
  label?: string;
  canary: { version: number; share: number } | null;
}

/** A version in the deployment's history (GET /deployments/:name/versions and the detail's versionList). */
export interface DeploymentVersion {
  version: number;
  serving: boolean;
  active: boolean;
  runId: string | null;
  nodeId: string;
  algorithm: string;
  inputs: { name: string; type: string }[];
  createdAt: string;
  /** A user's run (or an admin's deploy by hand), a schedule's run, the CLI. */
  trigger?: { kind: 'user' | 'schedule' | 'cli'; email?: string; manual?: boolean };
  /** The figures its evaluation gave (accuracy, f1, …; r2, rmse, …). */
  metrics?: Record<string, number>;
  /** Whether its policy let it serve, and why: for a challenger, both figures on the same rows. */
  promoted?: boolean;
  reason?: string;
  decision?: PromotionDecision;
  /** An admin made it serve by hand. */
  handPromotion?: { email: string; at: string };
}

export interface DeploymentDetail extends DeploymentSummary {
  versionList: DeploymentVersion[];
}

export interface ApiKeySummary {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

/** Serving figures of one version since the server started. */
export interface VersionFigures {
  version: number;
  requests: number;
  rows: number;
  errors: number;
  meanMs: number | null;
  p99Ms: number | null;
}

const deploymentPath = (name: string) => `/deployments/${encodeURIComponent(name)}`;

export function listDeployments(): Promise<{ items: DeploymentSummary[] }> {
  return requestJson('GET', '/deployments');
}

export function getDeployment(name: string): Promise<DeploymentDetail> {
  return requestJson('GET', deploymentPath(name));
}

export function getDeploymentFigures(name: string): Promise<{ items: VersionFigures[] }> {
  return requestJson('GET', `${deploymentPath(name)}/metrics`);
}

/** An admin's only: others get a 403. */
export function listApiKeys(name: string): Promise<{ items: ApiKeySummary[] }> {
  return requestJson('GET', `${deploymentPath(name)}/keys`);
}

/** Makes `version` the one that serves (an older one: a roll-back). */
export function promoteVersion(name: string, version: number): Promise<unknown> {
  return requestJson('POST', `${deploymentPath(name)}/promote`, { version });
}

/** A new API key; the answer is the only time the key itself is shown. */
export function createApiKey(name: string): Promise<{ apiKey: string }> {
  return requestJson('POST', `${deploymentPath(name)}/keys`, {});
}

export function revokeApiKey(name: string, keyId: string): Promise<unknown> {
  return requestJson('DELETE', `${deploymentPath(name)}/keys/${encodeURIComponent(keyId)}`);
}

/**
 * Sends a prediction request as a client of the service would, with its API
 * key rather than the session, and answers the status and body whatever they
 * are: the "Try it" panel shows errors as the client would see them.
 */
export async function sendPrediction(
  name: string,
  apiKey: string,
  body: string,
): Promise<{ status: number; payload: unknown }> {
  const response = await fetch(`/api/predict/${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body,
  });
  return { status: response.status, payload: await response.json() };
}
