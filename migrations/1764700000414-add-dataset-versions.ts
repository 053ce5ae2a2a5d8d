import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Datasets get names and versions. What was one uploaded file a row becomes
 * a version (`dataset_versions`, the same ids and files, so paths and ids
 * given out before keep working); `datasets` holds the names, one a
 * workspace. Files uploaded before under the same file name become that
 * name's versions, oldest first. Row counts, columns and fingerprints of
 * those files are filled in by the server on its next start.
 */
export class AddDatasetVersions1764700000414 implements MigrationInterface {
  name = 'AddDatasetVersions1764700000414';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE datasets RENAME TO dataset_versions`);
    await db.query(`ALTER TABLE dataset_versions RENAME COLUMN name TO file_name`);
    await db.query(`ALTER INDEX datasets_created_at RENAME TO dataset_versions_created_at`);
    await db.query(`ALTER INDEX datasets_workspace RENAME TO dataset_versions_workspace`);

    await db.query(`
      CREATE TABLE datasets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces (id),
        name text NOT NULL,
        format text NOT NULL CHECK (format IN ('csv', 'parquet')),
        last_version integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (workspace_id, name)
      )`);
    await db.query(`CREATE INDEX datasets_updated_at ON datasets (workspace_id, updated_at DESC)`);

    await db.query(`
      ALTER TABLE dataset_versions
        ADD COLUMN dataset_id uuid REFERENCES datasets (id) ON DELETE CASCADE,
        ADD COLUMN version integer,
        ADD COLUMN row_count bigint,
        ADD COLUMN columns jsonb,
        ADD COLUMN csv_delimiter text,
        ADD COLUMN fingerprint text,
        ADD COLUMN origin text NOT NULL DEFAULT 'upload' CHECK (origin IN ('upload', 'rows', 'batch')),
        ADD COLUMN created_by uuid REFERENCES users (id) ON DELETE SET NULL`);

    await db.query(`
      INSERT INTO datasets (workspace_id, name, format, last_version, created_at, updated_at)
      SELECT workspace_id, file_name, (array_agg(format ORDER BY created_at DESC))[1], count(*), min(created_at), max(created_at)
        FROM dataset_versions
       GROUP BY workspace_id, file_name`);
    await db.query(`
      UPDATE dataset_versions v
         SET dataset_id = d.id, version = numbered.version
        FROM (SELECT id, row_number() OVER (PARTITION BY workspace_id, file_name ORDER BY created_at, id) AS version
                FROM dataset_versions) numbered,
             datasets d
       WHERE numbered.id = v.id AND d.workspace_id = v.workspace_id AND d.name = v.file_name`);
    await db.query(
      `ALTER TABLE dataset_versions ALTER COLUMN dataset_id SET NOT NULL, ALTER COLUMN version SET NOT NULL`,
    );
    await db.query(`ALTER TABLE dataset_versions ADD CONSTRAINT dataset_versions_number UNIQUE (dataset_id, version)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE dataset_versions DROP CONSTRAINT dataset_versions_number`);
    await db.query(`
      ALTER TABLE dataset_versions
        DROP COLUMN dataset_id, DROP COLUMN version, DROP COLUMN row_count, DROP COLUMN columns,
        DROP COLUMN csv_delimiter, DROP COLUMN fingerprint, DROP COLUMN origin, DROP COLUMN created_by`);
    await db.query(`DROP TABLE datasets`);
    await db.query(`ALTER INDEX dataset_versions_workspace RENAME TO datasets_workspace`);
    await db.query(`ALTER INDEX dataset_versions_created_at RENAME TO datasets_created_at`);
    await db.query(`ALTER TABLE dataset_versions RENAME COLUMN file_name TO name`);
    await db.query(`ALTER TABLE dataset_versions RENAME TO datasets`);
  }
}
