import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { datasetUploadFieldsSchema, type DatasetList } from '@pipewright/nodes/contracts';
import type { z } from 'zod';
import { ApiError } from '../api/api-errors.js';
import { CurrentCaller } from '../auth/current-caller.js';
import type { Caller } from '../auth/roles.js';
import { pageQuerySchema, type Page, type PageQuery } from '../api/page.js';
import { ZodPipe } from '../api/zod.pipe.js';
import { MAX_APPENDED_ROWS } from './dataset-rows.js';
import {
  DatasetsService,
  type DatasetSummary,
  type DatasetVersionSummary,
  type IncomingRows,
} from './datasets.service.js';
import { UploadLimitMessage, uploadLimitBytes } from './upload-limit.js';

/** What multer hands over for a file it stored on disk. */
interface StoredUpload {
  originalname: string;
  path: string;
  size: number;
}

@Controller('datasets')
export class DatasetsController {
  constructor(private readonly datasets: DatasetsService) {}

  @Get()
  async list(
    @CurrentCaller() caller: Caller,
    @Query(new ZodPipe(pageQuerySchema)) page: PageQuery,
  ): Promise<DatasetList> {
    return {
      ...(await this.datasets.list(caller.workspaceId, page)),
      uploadLimitBytes: uploadLimitBytes(),
      appendRowsLimit: MAX_APPENDED_ROWS,
    };
  }

  /**
   * `multipart/form-data` with the CSV or Parquet file in the field `file`,
   * and optionally the dataset's `name` (the file's name when absent): the
   * file becomes that dataset's next version.
   */
  @Post()
  @UseInterceptors(UploadLimitMessage, FileInterceptor('file'))
  upload(
    @CurrentCaller() caller: Caller,
    @UploadedFile() file: StoredUpload | undefined,
    @Body(new ZodPipe(datasetUploadFieldsSchema)) fields: z.infer<typeof datasetUploadFieldsSchema>,
  ): Promise<DatasetVersionSummary> {
    return this.datasets.add(
      file && {
        originalName: Buffer.from(file.originalname, 'latin1').toString('utf8'),
        tempPath: file.path,
        size: file.size,
      },
      caller.workspaceId,
      { name: fields.name, createdBy: caller.id },
    );
  }

  @Get(':name')
  get(@CurrentCaller() caller: Caller, @Param('name') name: string): Promise<DatasetSummary> {
    return this.datasets.get(name, caller.workspaceId);
  }

  @Get(':name/versions')
  versions(
    @CurrentCaller() caller: Caller,
    @Param('name') name: string,
    @Query(new ZodPipe(pageQuerySchema)) page: PageQuery,
  ): Promise<Page<DatasetVersionSummary>> {
    return this.datasets.versions(name, caller.workspaceId, page);
  }

  /**
   * New rows from a script: `{ "rows": [ {column: value} ] }` as JSON, or a
   * CSV (`content-type: text/csv`) with a header line. They are appended to
   * the latest version, making the next one.
   */
  @Post(':name/rows')
  appendRows(
    @CurrentCaller() caller: Caller,
    @Param('name') name: string,
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
  ): Promise<DatasetVersionSummary> {
    return this.datasets.appendRows(name, incomingRows(contentType, body), caller.workspaceId, caller.id);
  }

  /**
   * By a version's id: forgets that version and removes its file. By a
   * dataset's id or name: the whole dataset. Pipelines that read them then
   * fail, naming the dataset.
   */
  @Delete(':idOrName')
  @HttpCode(204)
  remove(@CurrentCaller() caller: Caller, @Param('idOrName') idOrName: string): Promise<void> {
    return this.datasets.remove(idOrName, caller.workspaceId);
  }
}

function incomingRows(contentType: string | undefined, body: unknown): IncomingRows {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json') return { kind: 'json', body };
  if ((type === 'text/csv' || type === 'text/plain') && typeof body === 'string') return { kind: 'csv', text: body };
  throw new ApiError(
    415,
    'unsupported-media-type',
    'send the rows as application/json ({ "rows": [ … ] }) or as text/csv with a header line',
  );
}
