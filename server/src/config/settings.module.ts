import { Module, type DynamicModule } from '@nestjs/common';
import type { Settings } from './settings.js';

export const SETTINGS = Symbol('Settings');

/** Hands the process's settings to every module. */
@Module({})
export class SettingsModule {
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: SettingsModule,
      global: true,
      providers: [{ provide: SETTINGS, useValue: settings }],
      exports: [SETTINGS],
    };
  }
}
