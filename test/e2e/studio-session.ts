import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type StudioBrowser } from './chromium.js';
import { buildPipewright, repoRoot, startPipewrightServer, type RunningServer } from './pipewright-server.js';
import { StudioPage } from './studio-page.js';

/** Where the browser tests leave their screenshots. */
export const screenshots = join(repoRoot, 'test-results', 'e2e');

export interface StudioSession {
  server: RunningServer;
  browser: StudioBrowser;
  page: Page;
  studio: StudioPage;
  /** Uncaught errors the page threw, in order. */
  pageErrors: string[];
  /** What the server's Content Security Policy blocked on the page ("style-src-elem blocked inline"), in order. */
  cspViolations: string[];
}

/**
 * Builds Pipewright, starts its server and Chromium side by side, and logs in on a fresh page:
 * what every browser test file does first. Close it with `closeStudioSession`.
 */
export async function openStudioSession(
  options: { startTimeoutMs?: number; serverEnv?: Record<string, string> } = {},
): Promise<StudioSession> {
  buildPipewright();
  mkdirSync(screenshots, { recursive: true });
  const [server, browser] = await Promise.all([
    startPipewrightServer(options.startTimeoutMs, options.serverEnv),
    launchChromium(),
  ]);
  const page = await browser.context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const cspViolations: string[] = [];
  await page.exposeFunction('pipewrightCspViolation', (violation: string) => cspViolations.push(violation));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { pipewrightCspViolation(violation: string): void }).pipewrightCspViolation;
      report(
        `${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`,
      );
    });
  });
  const studio = new StudioPage(page);
  await studio.logIn(server);
  return { server, browser, page, studio, pageErrors, cspViolations };
}

/** Closes the browser, then stops the server; either may be missing when opening failed. */
export async function closeStudioSession(session: Partial<StudioSession>): Promise<void> {
  await session.browser?.close();
  await session.server?.stop();
}

/** A JSON call to the API as the admin, the way a script makes it (a bearer token). */
export type AdminApi = (method: string, path: string, body?: unknown) => Promise<Record<string, unknown>>;

/** Logs the admin in through the API, for setting a test up without clicking. */
export async function adminApi(server: RunningServer): Promise<AdminApi> {
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const response = await fetch(`${server.url}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await response.json()) as Record<string, unknown>;
  };
  const { accessToken } = (await call('POST', '/auth/login', server.admin)) as { accessToken: string };
  return (method, path, body) => call(method, path, body, accessToken);
}

/** Runs a saved pipeline through the API, waits for it to succeed, and answers the run's id. */
export async function runToSuccess(call: AdminApi, pipelineId: string): Promise<string> {
  const run = (await call('POST', `/pipelines/${pipelineId}/runs`, {})) as { id: string };
  for (let i = 0; i < 960; i++) {
    const document = (await call('GET', `/runs/${run.id}`)) as { status: string };
    if (document.status === 'succeeded') return run.id;
    if (document.status === 'failed' || document.status === 'cancelled')
      throw new Error(`the run ended ${document.status}: ${JSON.stringify(document)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the run did not end within 4 minutes');
}

/**
 * Opens a pipeline in the editor afresh, by way of the pipelines page: two hash changes in a row can be drawn as
 * one, leaving the editor mounted with the view it had (fitted to the window before a resize, say).
 */
export async function reopenPipeline(page: Page, url: string, pipelineId: string): Promise<void> {
  await page.goto(`${url}/#/`);
  await page.getByTestId('new-pipeline').waitFor();
  await page.goto(`${url}/#/pipelines/${pipelineId}`);
}

/** The canvas's zoom, as React Flow applies it to its viewport. */
export async function canvasZoom(page: Page): Promise<number> {
  return page
    .locator('.react-flow__viewport')
    .evaluate((element) => new DOMMatrixReadOnly(getComputedStyle(element).transform).a);
}

/** Saves what the page showed when a test failed: it says more than the assertion. */
export function screenshotFailedTests(page: () => Page | undefined): void {
  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(async () => {
      const name = task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
      await page()
        ?.screenshot({ path: join(screenshots, `failed-${name}.png`) })
        .catch(() => undefined);
    });
  });
}
