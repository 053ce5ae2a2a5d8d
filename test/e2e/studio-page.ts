import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';

/** What a user does in the editor, in the user's terms: the tests read as steps. */
export class StudioPage {
  constructor(readonly page: Page) {}

  /** Logs in through the login page, as a user does; the session cookie then carries every later page. */
  async logIn(server: { url: string; admin: { email: string; password: string } }): Promise<void> {
    await this.page.goto(`${server.url}/`);
    const form = this.page.getByRole('form', { name: 'Log in' });
    await form.waitFor();
    await form.getByLabel('Email').fill(server.admin.email);
    await form.getByLabel('Password').fill(server.admin.password);
    await form.getByRole('button', { name: 'Log in' }).click();
    await form.waitFor({ state: 'detached' });
  }

  /** Opens a new, empty pipeline the way a user does: from the pipelines list. */
  async newPipeline(baseUrl: string): Promise<void> {
    await this.page.goto(`${baseUrl}/#/`);
    await this.page.getByRole('link', { name: 'New pipeline' }).click();
    await this.canvas().waitFor();
    await this.page.getByTestId('empty-canvas').waitFor();
  }

  /** The colour of a node's border once its transition has settled. */
  async borderColour(id: string): Promise<string> {
    return this.node(id).evaluate((element: Element) => getComputedStyle(element).borderColor);
  }

  canvas(): Locator {
    return this.page.getByTestId('canvas');
  }

  node(id: string): Locator {
    return this.page.getByTestId(`node-${id}`);
  }

  /** Drags a palette item onto the canvas, dropping it with its centre at (x, y) of the canvas. */
  async dragFromPalette(type: string, at: { x: number; y: number }): Promise<void> {
    await this.page.getByTestId(`palette-${type}`).dragTo(this.canvas(), { targetPosition: at });
  }

  /** Draws a connection with the mouse from an output handle to an input handle (`node.port`). */
  async connect(from: string, to: string): Promise<void> {
    const source = await this.centreOf(this.page.getByTestId(`output-${from}`));
    const target = await this.centreOf(this.page.getByTestId(`input-${to}`));
    await this.page.mouse.move(source.x, source.y);
    await this.page.mouse.down();
    await this.page.mouse.move((source.x + target.x) / 2, (source.y + target.y) / 2, { steps: 6 });
    await this.page.mouse.move(target.x, target.y, { steps: 6 });
    await this.page.mouse.up();
  }

  /** Starts a connection and holds it over the target handle, without letting go. */
  async hoverConnection(from: string, to: string): Promise<void> {
    const source = await this.centreOf(this.page.getByTestId(`output-${from}`));
    const target = await this.centreOf(this.page.getByTestId(`input-${to}`));
    await this.page.mouse.move(source.x, source.y);
    await this.page.mouse.down();
    await this.page.mouse.move(target.x, target.y, { steps: 10 });
  }

  /**
   * Selects a node by a click on its header. While an opened pipeline's view settles (its nodes grow as their last
   * run's results arrive), the canvas fits it again; on a busy machine a fit can land between Playwright finding the
   * header and pressing on it, and the press then misses the node: it is made again, at most three times.
   */
  async select(nodeId: string): Promise<void> {
    const selected = this.page.locator(`[data-testid="node-${nodeId}"].pw-node--selected`);
    for (let attempt = 1; ; attempt++) {
      await this.node(nodeId).locator('.pw-node__header').click();
      try {
        await selected.waitFor({ timeout: 2_000 });
        return;
      } catch (error) {
        if (attempt === 3)
          throw new Error(`node ${nodeId} is not selected after three clicks on its header`, { cause: error });
      }
    }
  }

  /** Types into a param field of the node selected in the inspector. */
  async fillParam(name: string, value: string): Promise<void> {
    const field = this.page.getByTestId('node-inspector').getByTestId(`param-${name}`);
    await field.fill(value);
  }

  async edgeCount(): Promise<number> {
    return this.page.locator('.react-flow__edge').count();
  }

  /** Clicks Export and answers the downloaded pipeline file's text. */
  async exportFile(): Promise<string> {
    const download = this.page.waitForEvent('download');
    await this.page.getByRole('button', { name: 'Export', exact: true }).click();
    const path = await (await download).path();
    return readFile(path, 'utf8');
  }

  /** On the pipelines page: Import file…, pick `path`, and wait for the editor to open the imported pipeline. */
  async importFile(baseUrl: string, path: string): Promise<void> {
    await this.page.goto(`${baseUrl}/#/`);
    const chooser = this.page.waitForEvent('filechooser');
    await this.page.getByRole('button', { name: 'Import file…' }).click();
    await (await chooser).setFiles(path);
    await this.page.waitForURL(/#\/pipelines\/(?!new)[^/]+$/);
    await this.canvas().waitFor();
  }

  /** In the selected source node's inspector: Upload…, pick `path`, and wait until the node reads the upload. */
  async uploadDataset(path: string): Promise<void> {
    const chooser = this.page.waitForEvent('filechooser');
    await this.page.getByTestId('node-inspector').getByRole('button', { name: 'Upload…' }).click();
    await (await chooser).setFiles(path);
    await this.page.waitForFunction(() => {
      const select = document.querySelector<HTMLSelectElement>(
        '[data-testid="node-inspector"] [data-testid="dataset-select"]',
      );
      return Boolean(select?.value);
    });
  }

  /** Waits until the run in the status bar has ended: succeeded, failed or cancelled. */
  async waitForRunToEnd(timeout = 240_000): Promise<void> {
    await this.page
      .locator(
        '[data-testid="run-status"]:is([data-status="succeeded"], [data-status="failed"], [data-status="cancelled"])',
      )
      .waitFor({ timeout });
  }

  /** Presses a shortcut with the focus on the canvas, not in a field. */
  async shortcut(keys: string): Promise<void> {
    await this.page.keyboard.press(keys);
  }

  private async centreOf(locator: Locator): Promise<{ x: number; y: number }> {
    const box = await locator.boundingBox();
    if (!box) throw new Error('the element is not on screen');
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  }
}
