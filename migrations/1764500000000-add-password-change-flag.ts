import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An account whose password was generated (the first admin's one-time
 * password) must choose its own before it may use anything else.
 */
export class AddPasswordChangeFlag1764500000000 implements MigrationInterface {
  name = 'AddPasswordChangeFlag1764500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users DROP COLUMN must_change_password`);
  }
}
