import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A deployment's history: each version keeps what triggered it (a user's run, a schedule, the CLI, an admin by
 * hand), the figures its evaluation gave, and the decision on whether it serves (its deploy.service policy and
 * who ran it: with `ifBetter` both models' figures on the same rows). A candidate an admin later promotes by
 * hand says who and when.
 */
export class VersionHistory1764800000015 implements MigrationInterface {
  name = 'VersionHistory1764800000015';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE deployment_versions
        ADD COLUMN trigger jsonb,
        ADD COLUMN metrics jsonb,
        ADD COLUMN decision jsonb,
        ADD COLUMN hand_promotion jsonb`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE deployment_versions
        DROP COLUMN trigger, DROP COLUMN metrics, DROP COLUMN decision, DROP COLUMN hand_promotion`);
  }
}
