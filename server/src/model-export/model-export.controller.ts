import { Controller, Get, Param, Query, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { ZodPipe } from '../api/zod.pipe.js';
import { CurrentCaller } from '../auth/current-caller.js';
import { Roles, type Caller } from '../auth/roles.js';
import { EXPORT_FORMATS, ModelExports, type ModelFile } from './model-exports.js';

export const exportQuerySchema = z.object({ format: z.enum(EXPORT_FORMATS).default('onnx') }).strict();
const versionParam = z.coerce.number().int().min(1);

function send(file: ModelFile, response: Response): StreamableFile {
  response.setHeader('content-disposition', `attachment; filename="${file.filename}"`);
  return new StreamableFile(Buffer.from(file.body), { type: file.contentType, length: file.body.byteLength });
}

/**
 * Trained models as files to take elsewhere. A run's model is taken by those who build and run pipelines (admins
 * and editors); a deployment version's, like its serving bundle, by admins.
 */
@Controller()
export class ModelExportController {
  constructor(private readonly exports: ModelExports) {}

  @Roles('admin', 'editor')
  @Get('runs/:id/nodes/:node/export')
  async fromRun(
    @CurrentCaller() caller: Caller,
    @Param('id') runId: string,
    @Param('node') nodeId: string,
    @Query(new ZodPipe(exportQuerySchema)) query: z.infer<typeof exportQuerySchema>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    return send(await this.exports.fromRun(runId, nodeId, caller.workspaceId, query.format), response);
  }

  @Roles('admin')
  @Get('deployments/:name/versions/:version/export')
  async fromDeployment(
    @CurrentCaller() caller: Caller,
    @Param('name') name: string,
    @Param('version', new ZodPipe(versionParam)) version: number,
    @Query(new ZodPipe(exportQuerySchema)) query: z.infer<typeof exportQuerySchema>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    return send(await this.exports.fromDeployment(name, version, caller.workspaceId, query.format), response);
  }
}
