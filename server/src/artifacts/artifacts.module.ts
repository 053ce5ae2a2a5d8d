import { Global, Module } from '@nestjs/common';
import { LocalArtifactStore, type ArtifactStore } from '../runtime/artifact-store.js';
import { SETTINGS } from '../config/settings.module.js';
import type { Settings } from '../config/settings.js';
import { ARTIFACT_STORE } from './artifact-store.token.js';
import { TablePreviewer } from './table-previewer.js';

/** The store PIPEWRIGHT_ARTIFACTS names: a local directory, or an S3-compatible bucket. */
export async function openArtifactStore(settings: Settings): Promise<ArtifactStore> {
  if (!settings.artifactsS3) return new LocalArtifactStore(settings.artifactsDir);
  // The AWS SDK loads only for a process that uses it.
  const { S3ArtifactStore, s3Client } = await import('../runtime/s3-artifact-store.js');
  return new S3ArtifactStore(s3Client(settings.artifactsS3), settings.artifactsS3, settings.artifactsDir);
}

@Global()
@Module({
  providers: [
    {
      provide: ARTIFACT_STORE,
      inject: [SETTINGS],
      useFactory: openArtifactStore,
    },
    TablePreviewer,
  ],
  exports: [ARTIFACT_STORE, TablePreviewer],
})
export class ArtifactsModule {}
