import { Injectable } from '@nestjs/common';
import {
  esmExportRefusal,
  isOnnxModel,
  modelKind,
  modelToOnnx,
  NodeError,
  onnxExportRefusal,
  onnxModelBytes,
  type ModelBundle,
} from '@pipewright/nodes';
import { ApiError, BadRequestError, NotFoundError } from '../api/api-errors.js';
import { DeploymentRepository } from '../deployments/deployment.repository.js';
import { RunsService } from '../runs/runs.service.js';
import { writeEsModule } from './esm-writer.js';
import { writeOnnx } from './onnx-writer.js';

export const EXPORT_FORMATS = ['onnx', 'esm'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A model written out as a file to take elsewhere. */
export interface ModelFile {
  filename: string;
  contentType: string;
  body: Uint8Array;
}

/** Turns the model a run's trainer made, or a deployment version serves, into a file of the asked format. */
@Injectable()
export class ModelExports {
  constructor(
    private readonly runs: RunsService,
    private readonly deployments: DeploymentRepository,
  ) {}

  async fromRun(runId: string, nodeId: string, workspaceId: string, format: ExportFormat): Promise<ModelFile> {
    const run = await this.runs.record(runId, workspaceId);
    if (!run.plan.jobs.some((job) => job.nodeId === nodeId)) throw new NotFoundError(`node of run ${run.id}`, nodeId);
    const node = await this.runs.nodeResult(run.id, nodeId);
    if (node?.status !== 'succeeded' && node?.status !== 'cached') {
      throw new ApiError(409, 'not-trained', `node "${nodeId}" has no model yet (it is ${node?.status ?? 'queued'})`, {
        nodeId,
      });
    }
    const model = node.outputs?.model;
    if (model?.kind !== 'model') throw new BadRequestError(`node "${nodeId}" gives no model to export`, { nodeId });
    return this.write(model, nodeId, format, nodeId);
  }

  async fromDeployment(name: string, version: number, workspaceId: string, format: ExportFormat): Promise<ModelFile> {
    const deployment = await this.deployments.find(name, workspaceId);
    const row = await this.deployments.version(deployment, version);
    return this.write(row.bundle.model, `${name}-v${version}`, format);
  }

  private write(model: ModelBundle, stem: string, format: ExportFormat, nodeId?: string): ModelFile {
    const where = nodeId ? { nodeId } : {};
    const refusal = format === 'onnx' ? onnxExportRefusal(model) : esmExportRefusal(model);
    if (refusal) {
      const as = format === 'onnx' ? 'ONNX' : 'an ES module';
      throw new ApiError(
        422,
        'not-exportable',
        `a ${modelKind(model)} model cannot be exported as ${as}: ${refusal}`,
        where,
      );
    }
    const name = fileStem(stem);
    if (format === 'esm') {
      return {
        filename: `${name}.mjs`,
        contentType: 'text/javascript; charset=utf-8',
        body: writeEsModule(model, name),
      };
    }
    try {
      // An imported ONNX model goes out as the file it came in.
      const body = isOnnxModel(model) ? onnxModelBytes(model) : writeOnnx(modelToOnnx(model, stem));
      return { filename: `${name}.onnx`, contentType: 'application/octet-stream', body };
    } catch (error) {
      if (error instanceof NodeError) {
        throw new ApiError(422, 'not-exportable', error.message, {
          ...where,
          ...(error.column !== undefined ? { column: error.column } : {}),
        });
      }
      throw error;
    }
  }
}

/** A name safe inside a Content-Disposition filename. */
function fileStem(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-');
}
