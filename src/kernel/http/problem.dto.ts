import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_CATALOGUE, ErrorCode } from '../errors/error-catalogue';

export class FieldErrorDto {
  @ApiProperty({ description: 'JSON Pointer to the offending field.', example: '/contact/email', maxLength: 512, pattern: '^(/[^/]*)*$' })
  field!: string;

  @ApiProperty({ example: 'contact.email must be an email', maxLength: 1024 })
  message!: string;
}

/** RFC 9457 problem details, the body of every error response. */
export class ProblemDto {
  @ApiProperty({ format: 'uri', description: 'Stable URL identifying the error code.', maxLength: 256 })
  type!: string;

  @ApiProperty({ maxLength: 256 })
  title!: string;

  @ApiProperty({ minimum: 400, maximum: 599, format: 'int32' })
  status!: number;

  @ApiProperty({ maxLength: 2048 })
  detail!: string;

  @ApiProperty({ enum: Object.keys(ERROR_CATALOGUE), description: 'Machine-readable error code; see the catalogue.' })
  code!: ErrorCode;

  @ApiProperty({
    description: 'Echo of X-Request-Id; quote it when reporting a problem.',
    maxLength: 128,
    pattern: '^[A-Za-z0-9._:-]{1,128}$',
  })
  requestId!: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], maxItems: 200 })
  errors?: FieldErrorDto[];
}
