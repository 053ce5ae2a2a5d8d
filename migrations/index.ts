import { CreateCoreTables1764000000000 } from './1764000000000-create-core-tables.js';

/** Every migration, oldest first: the server runs the pending ones on start. */
export const migrations = [CreateCoreTables1764000000000];
