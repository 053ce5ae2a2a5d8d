import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot, readSettings } from './settings.js';

describe('readSettings', () => {
  it('keeps everything under ./.pipewright by default', () => {
    const settings = readSettings({}, '/srv/app');
    expect(settings).toMatchObject({
      home: '/srv/app/.pipewright',
      port: 7400,
      artifactsDir: '/srv/app/.pipewright/artifacts',
      workDir: '/srv/app/.pipewright/work',
      workerConcurrency: 2,
      jobHeartbeatSeconds: 30,
      sqlTimeoutSeconds: { interactive: 120, batch: 600 },
      postgresRowLimit: 1_000_000,
    });
    expect(
      readSettings({ PIPEWRIGHT_SQL_TIMEOUT_S: '15', PIPEWRIGHT_BATCH_SQL_TIMEOUT_S: '900' }).sqlTimeoutSeconds,
    ).toEqual({ interactive: 15, batch: 900 });
    expect(() => readSettings({ PIPEWRIGHT_SQL_TIMEOUT_S: '0' })).toThrow(/PIPEWRIGHT_SQL_TIMEOUT_S/);
    expect(settings.databaseUrl).toBeUndefined();
    expect(settings.dataDirs).toEqual(['/srv/app/.pipewright/datasets', join(packageRoot, 'examples')]);
  });

  it('adds PIPEWRIGHT_DATA_DIRS and honours the other variables', () => {
    const settings = readSettings(
      {
        PIPEWRIGHT_HOME: '/data/pw',
        PIPEWRIGHT_DATA_DIRS: '/mnt/a: relative/b :',
        PORT: '8080',
        DATABASE_URL: 'postgres://db/pw',
        PIPEWRIGHT_ARTIFACTS: '/mnt/artifacts',
        PIPEWRIGHT_WORKER_CONCURRENCY: '3',
      },
      '/srv/app',
    );
    expect(settings.dataDirs.slice(2)).toEqual(['/mnt/a', '/srv/app/relative/b']);
    expect(settings).toMatchObject({
      home: '/data/pw',
      port: 8080,
      databaseUrl: 'postgres://db/pw',
      artifactsDir: '/mnt/artifacts',
      workerConcurrency: 3,
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => readSettings({ PORT: 'eighty' })).toThrow(/PORT must be a port number/);
    expect(() => readSettings({ PIPEWRIGHT_ADMIN_PASSWORD: ' '.repeat(8) })).toThrow(
      'PIPEWRIGHT_ADMIN_PASSWORD: a password needs at least 12 characters; this one has 8',
    );
    expect(() =>
      readSettings({ PIPEWRIGHT_ADMIN_EMAIL: 'ops@acme.example', PIPEWRIGHT_ADMIN_PASSWORD: 'ops@acme.example' }),
    ).toThrow(/PIPEWRIGHT_ADMIN_PASSWORD: the password is made from the email/);
    expect(() => readSettings({ PIPEWRIGHT_WORKER_CONCURRENCY: '0' })).toThrow(/PIPEWRIGHT_WORKER_CONCURRENCY/);
    expect(() => readSettings({ PIPEWRIGHT_JOB_HEARTBEAT_SECONDS: '5' })).toThrow(/from 10/);
    expect(() => readSettings({ PIPEWRIGHT_ARTIFACTS: 'gs://bucket/x' })).toThrow(/directory or s3:\/\/bucket\/prefix/);
    expect(() => readSettings({ PIPEWRIGHT_ARTIFACTS: 's3://Bad_Bucket/x' })).toThrow(
      /"Bad_Bucket" is not a bucket name/,
    );
  });

  it('takes an s3:// artifact store and keeps a local cache for it', () => {
    const settings = readSettings({ PIPEWRIGHT_HOME: '/data/pw', PIPEWRIGHT_ARTIFACTS: 's3://pipewright/runs/prod/' });
    expect(settings.artifactsS3).toEqual({ bucket: 'pipewright', prefix: 'runs/prod', region: 'us-east-1' });
    expect(settings.artifactsDir).toBe('/data/pw/artifacts');
    const compatible = readSettings({
      PIPEWRIGHT_ARTIFACTS: 's3://pipewright',
      AWS_ENDPOINT_URL: 'http://minio:9000',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'id',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
    expect(compatible.artifactsS3).toEqual({
      bucket: 'pipewright',
      prefix: '',
      endpoint: 'http://minio:9000',
      region: 'eu-west-1',
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
    });
    expect(() => readSettings({ PIPEWRIGHT_ARTIFACTS: 's3://pipewright', AWS_ENDPOINT_URL: 'minio:9000' })).toThrow(
      /AWS_ENDPOINT_URL must be an http/,
    );
  });
});
