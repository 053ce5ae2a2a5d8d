import { Global, Module } from '@nestjs/common';
import { LocalArtifactStore, type ArtifactStore } from '../runtime/artifact-store.js';
import { SETTINGS } from '../config/settings.module.js';
import type { Settings } from '../config/settings.js';
import { ARTIFACT_STORE } from './artifact-store.token.js';
import { TablePreviewer } from './table-previewer.js';

@Global()
@Module({
  providers: [
    {
      provide: ARTIFACT_STORE,
      inject: [SETTINGS],
      useFactory: (settings: Settings): ArtifactStore => new LocalArtifactStore(settings.artifactsDir),
    },
    TablePreviewer,
  ],
  exports: [ARTIFACT_STORE, TablePreviewer],
})
export class ArtifactsModule {}
