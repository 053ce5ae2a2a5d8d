import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SETTINGS } from '../config/settings.module.js';
import type { Settings } from '../config/settings.js';
import { LIVE_WITHIN_SECONDS } from './worker-registry.js';

/** Who made a worker's directory: on this host, whether that process still runs tells whether it is gone. */
interface Owner {
  host: string;
  pid: number;
}

/** A worker on another host is taken for gone after this long without a heartbeat (a network partition heals). */
const OTHER_HOST_SILENT_SECONDS = 10 * 60;

/**
 * Where a worker's jobs keep their files: `<work>/jobs/<worker id>/`, one
 * directory a job, removed when the job ends. A job of a worker that was
 * killed never ends, so its directory stays: every worker removes the
 * directories of workers that are gone when it starts and then every
 * `SWEEP_MS`. A worker is gone when the database has not heard from it for
 * `LIVE_WITHIN_SECONDS` (its jobs have gone back to the queue by then) and,
 * on this host, its process no longer runs, or, on another host sharing the
 * directory, it has been silent ten minutes. A live worker's directories are
 * never touched, even while the database is out of reach.
 */
@Injectable()
export class JobDirectories {
  static readonly SWEEP_MS = 30_000;
  private readonly logger = new Logger('Worker');
  readonly workerId = randomUUID();
  private readonly root: string;

  private readonly workDir: string;

  constructor(
    @Inject(SETTINGS) settings: Settings,
    @InjectDataSource() private readonly db: DataSource,
  ) {
    this.workDir = settings.workDir;
    this.root = join(settings.workDir, 'jobs');
  }

  /** This worker's directory, in which each job makes its own. */
  get own(): string {
    return join(this.root, this.workerId);
  }

  async claim(): Promise<void> {
    await mkdir(this.own, { recursive: true });
    const owner: Owner = { host: hostname(), pid: process.pid };
    await writeFile(join(this.own, 'owner.json'), JSON.stringify(owner));
  }

  /**
   * Removes the directories of workers that are gone, and scratch
   * directories abandoned beside them; answers the workers' ids.
   */
  async removeStale(): Promise<string[]> {
    await removeAbandonedScratch(this.workDir, ['jobs']);
    const others = (await readdir(this.root, { withFileTypes: true }).catch(() => []))
      .filter((entry) => entry.isDirectory() && entry.name !== this.workerId)
      .map((entry) => entry.name);
    if (others.length === 0) return [];
    const rows = (await this.db.query(
      `SELECT id::text AS id,
              heartbeat_at > now() - make_interval(secs => $2) AS live,
              heartbeat_at > now() - make_interval(secs => $3) AS lately
         FROM workers WHERE id::text = ANY ($1)`,
      [others, LIVE_WITHIN_SECONDS, OTHER_HOST_SILENT_SECONDS],
    )) as { id: string; live: boolean; lately: boolean }[];
    const byId = new Map(rows.map((row) => [row.id, row]));
    const removed: string[] = [];
    for (const id of others) {
      const worker = byId.get(id);
      if (worker?.live) continue;
      const owner = await this.ownerOf(id);
      const gone = owner?.host === hostname() ? !processRuns(owner.pid) : !worker?.lately;
      if (!gone) continue;
      await rm(join(this.root, id), { recursive: true, force: true });
      removed.push(id);
    }
    if (removed.length > 0) {
      this.logger.log(`removed the job directories of ${removed.length} stopped worker(s): ${removed.join(', ')}`);
    }
    return removed;
  }

  private async ownerOf(id: string): Promise<Owner | undefined> {
    try {
      return JSON.parse(await readFile(join(this.root, id, 'owner.json'), 'utf8')) as Owner;
    } catch {
      return undefined;
    }
  }
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** No scratch directory lives this long: a preview, an upload or a dataset's inspection ends within minutes. */
export const SCRATCH_ABANDONED_MS = 24 * 60 * 60_000;

/**
 * A request's scratch directory in `workDir` (a preview, an upload, a
 * dataset's inspection, a challenger's scoring; job directories of earlier
 * versions too) is removed when the request ends; one whose process was
 * killed stays. Nothing there is older than a day unless abandoned, so those
 * go (`keep`: entries that are not scratch). Answers their names.
 */
export async function removeAbandonedScratch(workDir: string, keep: string[], now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of await readdir(workDir, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isDirectory() || keep.includes(entry.name)) continue;
    const path = join(workDir, entry.name);
    const modified = (await stat(path).catch(() => undefined))?.mtimeMs;
    if (modified === undefined || now - modified < SCRATCH_ABANDONED_MS) continue;
    await rm(path, { recursive: true, force: true });
    removed.push(entry.name);
  }
  return removed;
}
