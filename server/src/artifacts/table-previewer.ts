import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { SqlValue, TableRef } from '@pipewright/nodes';
import type { TablePreview } from '@pipewright/nodes/contracts';
import { ApiError } from '../api/api-errors.js';
import { SETTINGS } from '../config/settings.module.js';
import type { Settings } from '../config/settings.js';
import type { ArtifactStore } from '../runtime/artifact-store.js';
import { DEFAULT_SQL_LIMITS, DuckDbSandbox } from '../runtime/duckdb-sandbox.js';
import { loadTable } from '../runtime/fused-unit.js';
import { ARTIFACT_STORE } from './artifact-store.token.js';

/** A node's output table's first rows and how many it has: the contract's (`GET /runs/:id/nodes/:node/preview`). */
export type { TablePreview };

/** A row as JSON carries it: a whole number past 2^53 as its exact digits (a JSON number would round it). */
function jsonRow(row: Record<string, SqlValue>): TablePreview['rows'][number] {
  const plain: TablePreview['rows'][number] = {};
  for (const [name, value] of Object.entries(row)) plain[name] = typeof value === 'bigint' ? value.toString() : value;
  return plain;
}

export const PREVIEW_ROWS = 100;
/**
 * A preview of a wider table is refused, naming its width: its first rows
 * would not fit the preview's memory (10,000 columns ran out of 512 MB), and
 * no one reads a table that wide in a page. `clean.select` narrows it.
 */
export const PREVIEW_MAX_COLUMNS = 1_000;

/** Reads the first rows of a stored table with a sandboxed DuckDB that can read nothing else. */
@Injectable()
export class TablePreviewer {
  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
  ) {}

  /** `where` names the table in a refusal, e.g. `output "out" of node "src"`. */
  async preview(table: TableRef, where: { nodeId?: string; port?: string } = {}): Promise<TablePreview> {
    if (table.columns.length > PREVIEW_MAX_COLUMNS) {
      const named = where.nodeId ? `output "${where.port}" of node "${where.nodeId}"` : 'the table';
      throw new ApiError(
        422,
        'too-many-columns',
        `${named} has ${table.columns.length.toLocaleString('en-US')} columns; a preview shows tables of at most ${PREVIEW_MAX_COLUMNS.toLocaleString('en-US')} (keep fewer with clean.select)`,
        where,
      );
    }
    const limit = PREVIEW_ROWS;
    await mkdir(this.settings.workDir, { recursive: true });
    const dir = await mkdtemp(join(this.settings.workDir, 'preview-'));
    let sandbox: DuckDbSandbox | undefined;
    try {
      sandbox = await DuckDbSandbox.open({
        jobDir: dir,
        jobKey: table.key,
        // A table kept as its SQL is computed again from the written tables before it, which takes the work of
        // the nodes between them: it gets their threads, more memory (beyond which DuckDB spills) and more time.
        limits: table.deferred
          ? { memoryLimit: '1GB', threads: DEFAULT_SQL_LIMITS.threads, timeoutMs: 120_000 }
          : { memoryLimit: '512MB', threads: 1, timeoutMs: 30_000 },
      });
      // A table kept as its SQL (an intermediate of fused data nodes) is computed from the stored tables it reads.
      await loadTable(sandbox, this.store, table);
      const rows = await sandbox.all(`SELECT * FROM ${sandbox.from(table)} LIMIT ${Math.trunc(limit)}`);
      return { columns: table.columns, rows: rows.map(jsonRow), total: table.rows };
    } finally {
      sandbox?.close();
      await rm(dir, { recursive: true, force: true });
    }
  }
}
