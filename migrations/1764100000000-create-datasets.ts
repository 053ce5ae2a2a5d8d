import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Uploaded datasets: the file lives in `<home>/datasets/<path>`, this row says what it is. */
export class CreateDatasets1764100000000 implements MigrationInterface {
  name = 'CreateDatasets1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE datasets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        path text NOT NULL UNIQUE,
        format text NOT NULL CHECK (format IN ('csv', 'parquet')),
        size_bytes bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX datasets_created_at ON datasets (created_at DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE datasets`);
  }
}
