import { Injectable } from '@nestjs/common';
import { compilePipeline, registry, validatePipeline, type Plan, type ValidationResult } from '@pipewright/nodes';

/** The catalog's validator and compiler, bound to the catalog's registry. */
@Injectable()
export class PipelineCompiler {
  validate(file: unknown, params?: Record<string, unknown>): ValidationResult {
    return validatePipeline(file, { registry, params });
  }

  /** Throws PipelineInvalidError naming every node and param at fault. */
  compile(file: unknown, params?: Record<string, unknown>): Plan {
    return compilePipeline(file, { registry, params });
  }
}
