import { Controller, Delete, Get, HttpCode, Param, Post, Query, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { CurrentCaller } from '../auth/current-caller.js';
import type { Caller } from '../auth/roles.js';
import { pageQuerySchema, type Page, type PageQuery } from '../api/page.js';
import { ZodPipe } from '../api/zod.pipe.js';
import { DatasetsService, type DatasetSummary } from './datasets.service.js';
import { UploadLimitMessage, uploadLimitBytes } from './upload-limit.js';

/** What multer hands over for a file it stored on disk. */
interface StoredUpload {
  originalname: string;
  path: string;
  size: number;
}

/** The list, with the largest file an upload may send, so a client can say so before a file is picked. */
export interface DatasetList extends Page<DatasetSummary> {
  uploadLimitBytes: number;
}

@Controller('datasets')
export class DatasetsController {
  constructor(private readonly datasets: DatasetsService) {}

  @Get()
  async list(
    @CurrentCaller() caller: Caller,
    @Query(new ZodPipe(pageQuerySchema)) page: PageQuery,
  ): Promise<DatasetList> {
    return { ...(await this.datasets.list(caller.workspaceId, page)), uploadLimitBytes: uploadLimitBytes() };
  }

  /** `multipart/form-data` with the CSV or Parquet file in the field `file`. */
  @Post()
  @UseInterceptors(UploadLimitMessage, FileInterceptor('file'))
  upload(@CurrentCaller() caller: Caller, @UploadedFile() file: StoredUpload | undefined): Promise<DatasetSummary> {
    return this.datasets.add(
      file && {
        originalName: Buffer.from(file.originalname, 'latin1').toString('utf8'),
        tempPath: file.path,
        size: file.size,
      },
      caller.workspaceId,
    );
  }

  /** Forgets the dataset and removes its file; pipelines that read it then fail validation, naming the path. */
  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<void> {
    return this.datasets.remove(id, caller.workspaceId);
  }
}
