import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LogStreamReceipt, MAX_ITEMISED_ERRORS } from '../application/ingest-log-stream.use-case';

// What the API reads of an Auth0 log event; Auth0 sends many more fields, all kept in the raw copy.
export class Auth0LogEventDataDto {
  @ApiProperty({ description: 'Auth0 event type code: `s` (successful login), `f`, `fp`, `fu`, … (failures).', example: 'fp', maxLength: 64, pattern: '^[a-z][a-z0-9_]{0,63}$' })
  type!: string;

  @ApiPropertyOptional({ format: 'date-time', maxLength: 64, description: 'When it happened; the time of the audit event.' })
  date?: string;

  @ApiPropertyOptional({ description: 'The Auth0 Organization; names the tenant whose audit stream records the event.', example: 'org_W2ZPl1Ntr5Ck3ab1', maxLength: 512, pattern: '^\\S+$' })
  organization_id?: string;

  @ApiPropertyOptional({ maxLength: 512, pattern: '^.+$', example: 'auth0|64b7f0c2a1b2c3d4e5f6a7b8' })
  user_id?: string;

  @ApiPropertyOptional({ maxLength: 512, pattern: '^\\S+$', example: '203.0.113.7' })
  ip?: string;

  @ApiPropertyOptional({ maxLength: 4096, pattern: '^.*$' })
  user_agent?: string;

  @ApiPropertyOptional({ maxLength: 4096, pattern: '^.*$', example: 'Wrong email or password.' })
  description?: string;
}

export class Auth0LogEventDto {
  @ApiProperty({ description: 'Auth0\'s unique event id: redelivering an event records nothing new.', maxLength: 256, pattern: '^[!-~]{1,256}$', example: '90020240612101112223334445556667778889990001112223334' })
  log_id!: string;

  @ApiProperty({ type: Auth0LogEventDataDto, description: 'The log event. Flat events (these fields at the top level) are accepted too; `org_id` may stand for `organization_id`.' })
  data!: Auth0LogEventDataDto;
}

export class LogStreamItemErrorDto {
  @ApiProperty({ description: 'Position of the item in the array, or among the non-empty lines (from 0).', format: 'int32', minimum: 0, maximum: 2_000_000 })
  index!: number;

  @ApiProperty({ maxLength: 256, pattern: '^.+$', example: 'log_id is missing or not 1 to 256 visible characters' })
  reason!: string;
}

const count = (description: string) => ({ description, format: 'int32', minimum: 0, maximum: 2_000_000 });

export class LogStreamReceiptDto {
  @ApiProperty(count('Items in the delivery: recorded + duplicates + skipped + rejected.'))
  received!: number;

  @ApiProperty(count('Events appended to an audit stream by this delivery.'))
  recorded!: number;

  @ApiProperty(count('Events already in the audit trail (a redelivery); nothing appended.'))
  duplicates!: number;

  @ApiProperty(count('Events of types the audit trail does not keep (successes other than logins).'))
  skipped!: number;

  @ApiProperty(count('Items that are not usable log events; see errors. They are not retried by answering an error.'))
  rejected!: number;

  @ApiProperty(count('Of recorded and duplicates: events whose organization is unknown or missing, kept in the platform stream.'))
  platform!: number;

  @ApiProperty({ type: [LogStreamItemErrorDto], maxItems: MAX_ITEMISED_ERRORS, description: `The first ${MAX_ITEMISED_ERRORS} rejected items and why.` })
  errors!: LogStreamItemErrorDto[];

  static from(receipt: LogStreamReceipt): LogStreamReceiptDto {
    return { ...receipt, errors: receipt.errors.map(({ index, reason }) => ({ index, reason })) };
  }
}
