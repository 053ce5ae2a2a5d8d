/** Injection token of the ArtifactStore (a LocalArtifactStore in `PIPEWRIGHT_ARTIFACTS` or `<home>/artifacts`). */
export const ARTIFACT_STORE = Symbol('ArtifactStore');
