import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeError } from '@pipewright/nodes';
import { readSettings } from '../config/settings.js';
import { postgresConnectionAccess } from './postgres-connections.js';
import { startTestPostgres, type TestPostgres } from './testing.js';

const where = { param: 'connection', queryParam: 'query' };

describe('named connections', () => {
  it('reads PIPEWRIGHT_CONNECTIONS and PIPEWRIGHT_CONNECTION_<NAME>, names matched case-insensitively', () => {
    const settings = readSettings({
      PIPEWRIGHT_CONNECTIONS: '{"Warehouse": "postgres://u:p@db/w"}',
      PIPEWRIGHT_CONNECTION_CRM: 'postgresql://u:p@crm/c',
    });
    expect(settings.connections).toEqual({ warehouse: 'postgres://u:p@db/w', crm: 'postgresql://u:p@crm/c' });
  });

  it('refuses a connection that is not a postgres:// URL without repeating it (it may hold a password)', () => {
    expect(() => readSettings({ PIPEWRIGHT_CONNECTION_CRM: 'mysql://u:secret@crm/c' })).toThrow(
      'connection "CRM" must be a postgres:// URL',
    );
    expect(() => readSettings({ PIPEWRIGHT_CONNECTION_CRM: 'mysql://u:secret@crm/c' })).not.toThrow(/secret/);
    expect(() => readSettings({ PIPEWRIGHT_CONNECTIONS: '[1]' })).toThrow(/must be a JSON object/);
  });

  it('says which connection cannot be reached, without its URL', async () => {
    const access = postgresConnectionAccess(
      { gone: 'postgres://u:secret@127.0.0.1:1/none' },
      { timeoutMs: 1000, signal: new AbortController().signal },
    );
    const error = (await access.query('gone', 'SELECT 1', where).catch((e: unknown) => e)) as NodeError;
    expect(error.param).toBe('connection');
    expect(error.message).toMatch(/^cannot connect to "gone"/);
    expect(error.message).not.toContain('secret');
  });

  describe('to a real PostgreSQL (a fresh embedded one)', () => {
    let postgres: TestPostgres;
    beforeAll(async () => {
      postgres = await startTestPostgres();
    });
    afterAll(async () => {
      await postgres?.stop();
    });

    it('stops a query that runs past the time limit, naming the query param', async () => {
      const access = postgresConnectionAccess(
        { local: postgres.url },
        { timeoutMs: 200, signal: new AbortController().signal },
      );
      const error: unknown = await access.query('LOCAL', 'SELECT pg_sleep(5)', where).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NodeError);
      expect((error as NodeError).param).toBe('query');
      expect((error as NodeError).message).toContain('statement timeout');
      const rows = await access.query('local', 'SELECT 1.5::float8 AS x, NULL::int AS y', where);
      expect(rows.rowCount).toBe(1);
      expect(Array.from(rows.values[0] as Float64Array)).toEqual([1.5]);
      expect(Number.isNaN((rows.values[1] as Float64Array)[0])).toBe(true);
    });
  });
});
