import type {
  ApiKeySummary,
  CreatedApiKey,
  DeploymentDetail,
  DeploymentSummary,
  DeploymentVersion,
  Page,
  VersionFigures,
} from '@pipewright/nodes/contracts';
import { requestJson } from './http';

// The shapes the server answers: the API contract's, inferred from its zod schemas.
export type { ApiKeySummary, DeploymentDetail, DeploymentSummary, DeploymentVersion, VersionFigures };

const deploymentPath = (name: string) => `/deployments/${encodeURIComponent(name)}`;

export function listDeployments(): Promise<Page<DeploymentSummary>> {
  return requestJson('GET', '/deployments');
}

export function getDeployment(name: string): Promise<DeploymentDetail> {
  return requestJson('GET', deploymentPath(name));
}

export function getDeploymentFigures(name: string): Promise<{ items: VersionFigures[] }> {
  return requestJson('GET', `${deploymentPath(name)}/metrics`);
}

/** An admin's only: others get a 403. */
export function listApiKeys(name: string): Promise<Page<ApiKeySummary>> {
  return requestJson('GET', `${deploymentPath(name)}/keys`);
}

/** Makes `version` the one that serves (an older one: a roll-back). */
export function promoteVersion(name: string, version: number): Promise<DeploymentSummary> {
  return requestJson('POST', `${deploymentPath(name)}/promote`, { version });
}

/** A new API key; the answer is the only time the key itself is shown. */
export function createApiKey(name: string): Promise<CreatedApiKey> {
  return requestJson('POST', `${deploymentPath(name)}/keys`, {});
}

export function revokeApiKey(name: string, keyId: string): Promise<ApiKeySummary> {
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
