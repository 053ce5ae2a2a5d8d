import type { NodeReport } from '../events/run-event-store.js';

/** How long a running node's progress or log line waits to be written (and to be joined by the next ones). */
export const REPORT_HOLD_MS = 15;

/**
 * A running node's progress and log lines on their way to its run's events: written in the order they were
 * made, each batch a moment (`holdMs`) after its first line. A node that logs as it finishes ends before its
 * last lines are sent; `end` answers those, and the node's end records them in its own transaction, before its
 * `node-finished` (one round of the database fewer a node: issue 13).
 */
export class HeldReports {
  private held: NodeReport[] = [];
  private timer: NodeJS.Timeout | undefined;
  private written: Promise<void> = Promise.resolve();

  /** `write` records a batch in order; it never rejects (a line it cannot write is its to report). */
  constructor(
    private readonly write: (reports: NodeReport[]) => Promise<void>,
    private readonly holdMs = REPORT_HOLD_MS,
  ) {}

  add(report: NodeReport): void {
    this.held.push(report);
    this.timer ??= setTimeout(() => this.send(), this.holdMs);
  }

  /** The node ended: nothing more is sent. Answers the lines still held, once those already sent are written. */
  async end(): Promise<NodeReport[]> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.written;
    return this.held.splice(0);
  }

  private send(): void {
    this.timer = undefined;
    const batch = this.held.splice(0);
    this.written = this.written.then(() => this.write(batch));
  }
}
