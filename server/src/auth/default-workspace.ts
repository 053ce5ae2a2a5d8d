/**
 * The workspace that exists from the first migration on: CLI runs belong to it, and so does everything made
 * before workspaces did. The migration that creates it owns the id; the rest of the server imports it from here.
 */
export { DEFAULT_WORKSPACE_ID } from '../../../migrations/dist/1764200000000-create-accounts.js';
