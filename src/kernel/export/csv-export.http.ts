import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';

/** `?bom=true|false` on every CSV export; extend it with the export's own filters. */
export class CsvExportQueryDto {
  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description: 'Start the file with a UTF-8 byte order mark, so Excel reads non-ASCII text correctly.',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  bom?: boolean;
}

/** Documents a CSV download: `text/csv` body and the filename it is saved under. */
export function ApiCsvExport(filenameStem: string): MethodDecorator {
  return applyDecorators(
    ApiProduces('text/csv'),
    ApiOkResponse({
      description:
        `A CSV file (RFC 4180, UTF-8, CRLF, header row), sent as an attachment named \`${filenameStem}-YYYY-MM-DD.csv\`. ` +
        'Text cells that begin with =, +, -, @, tab, CR, LF or NUL are prefixed with an apostrophe so that spreadsheets ' +
        'do not evaluate them; numeric columns are plain numbers.',
      content: { 'text/csv': { schema: { type: 'string', format: 'binary', maxLength: 2_147_483_647 } } },
    }),
  );
}
