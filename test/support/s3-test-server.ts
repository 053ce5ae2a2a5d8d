import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// s3rver is an S3-compatible server in Node (S3's REST API over a directory): the store tests talk to it over HTTP.
import S3rver from 's3rver';

export interface S3TestServer {
  endpoint: string;
  bucket: string;
  /** The directory s3rver keeps objects in: `<dir>/<bucket>/<key>._S3rver_object`. */
  dir: string;
  /** The variables a Pipewright process needs to use `s3://<bucket>/<prefix>`. */
  env(prefix: string): Record<string, string>;
  close(): Promise<void>;
}

/** An S3-compatible server on 127.0.0.1 and a free port, with one empty bucket. */
export async function startS3TestServer(bucket = 'pipewright-test'): Promise<S3TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'pipewright-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: bucket }],
  });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    endpoint,
    bucket,
    dir,
    env: (prefix) => ({
      PIPEWRIGHT_ARTIFACTS: `s3://${bucket}/${prefix}`,
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: 'us-east-1',
      // s3rver's fixed credentials; it checks signatures made with them.
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
    }),
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
