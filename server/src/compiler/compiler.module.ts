import { Global, Module } from '@nestjs/common';
import { PipelineCompiler } from './pipeline-compiler.js';

@Global()
@Module({ providers: [PipelineCompiler], exports: [PipelineCompiler] })
export class CompilerModule {}
