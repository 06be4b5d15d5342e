import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { RequirePermission } from '#src/kernel/auth/route-access.decorators';
import { NDJSON_CONTENT_TYPE, sendCsvExport, sendNdjsonExport } from '#src/kernel/export';
import { ApiProblemResponses } from '#src/kernel/http/api-problem-responses.decorator';
import { GetAuditEvent } from '../application/get-audit-event.use-case';
import { ListAuditEvents } from '../application/list-audit-events.use-case';
import { StreamAuditEvents } from '../application/stream-audit-events.use-case';
import { AUDIT_EVENT_CSV_COLUMNS } from './audit-event-csv';
import { AuditEventExportQueryDto, AuditEventListQueryDto, toAuditEventFilter, toAuditSeqRange } from './audit-event-query.dto';
import { AuditEventDto, AuditEventPageDto } from './audit-event.dto';
import { auditExportFormatOf } from './audit-export-format';

const FILENAME_STEM = 'audit-events';
const SELF_AUDITED = ' Every call is itself recorded in the trail (`audit-event.list`, `audit-event.read`, `audit-event.export`).';
const EXPORT_BODY = { type: 'string', format: 'binary', maxLength: 2_147_483_647 } as const;

@ApiTags('Audit')
@Controller('audit-events')
export class AuditEventsController {
  constructor(
    private readonly listEvents: ListAuditEvents,
    private readonly getEvent: GetAuditEvent,
    private readonly streamEvents: StreamAuditEvents,
  ) {}

  @Get()
  @RequirePermission('audit:read')
  @ApiOperation({
    operationId: 'listAuditEvents',
    summary: "List the tenant's audit events",
    description:
      "The caller's tenant's audit trail, newest (highest `seq`) first; filters combine with AND. Pages are keyset-based on " +
      '`seq`: stable while events are appended. Each event is returned exactly as stored, so its `hash` can be recomputed ' +
      'from the response.' +
      SELF_AUDITED,
  })
  @ApiOkResponse({ type: AuditEventPageDto })
  @ApiProblemResponses(400)
  async list(@Query() query: AuditEventListQueryDto): Promise<AuditEventPageDto> {
    const page = await this.listEvents.execute(toAuditEventFilter(query), { cursor: query.cursor, limit: query.limit });
    return { data: page.data.map(AuditEventDto.from), nextCursor: page.nextCursor };
  }

  // Declared before GET :id, so `export` is never taken for an id.
  @Get('export')
  @RequirePermission('audit:export')
  @ApiProduces(NDJSON_CONTENT_TYPE, 'text/csv')
  @ApiOperation({
    operationId: 'exportAuditEvents',
    summary: "Export the tenant's audit events (NDJSON or CSV)",
    description:
      'Streams every event matching the list filters (and `fromSeq`/`toSeq`), oldest (lowest `seq`) first, as an attachment ' +
      '`audit-events-YYYY-MM-DD.ndjson` or `.csv`. `format=ndjson|csv` chooses; without it the `Accept` header does ' +
      '(`text/csv` gives CSV, anything else NDJSON). NDJSON is one event per line exactly as stored (the schema of ' +
      '`AuditEventDto`), so the file verifies offline front to back: each line recomputes to its `hash`, and each `prevHash` ' +
      "is the previous line's `hash` (when no filter leaves events out). CSV is a flat view (`seq`, `id`, `time`, `type`, " +
      '`action`, `actorType`, `actorId`, `actorRole`, `targetType`, `targetId`, `ip`, `userAgent`, `method`, `route`, `result`, ' +
      "`status`, `reason`, `count`, `requestId`, `hash`, `prevHash`) with formula-like text prefixed with `'`; `bom=true` " +
      'adds a UTF-8 byte order mark to it (NDJSON never has one).' +
      SELF_AUDITED,
  })
  @ApiOkResponse({
    description: 'The export, as an attachment; `Vary: Accept`.',
    content: { [NDJSON_CONTENT_TYPE]: { schema: EXPORT_BODY }, 'text/csv': { schema: EXPORT_BODY } },
  })
  @ApiProblemResponses(400)
  async export(@Query() query: AuditEventExportQueryDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    const events = this.streamEvents.execute(toAuditEventFilter(query), toAuditSeqRange(query));
    res.setHeader('Vary', 'Accept');
    if (auditExportFormatOf(query.format, req) === 'csv') {
      await sendCsvExport(res, events, AUDIT_EVENT_CSV_COLUMNS, { filenameStem: FILENAME_STEM, bom: query.bom });
    } else {
      await sendNdjsonExport(res, events, { filenameStem: FILENAME_STEM });
    }
  }

  @Get(':id')
  @RequirePermission('audit:read')
  @ApiOperation({
    operationId: 'getAuditEvent',
    summary: 'One audit event',
    description: "An event of the caller's tenant, exactly as stored; 404 for any other id (another tenant's included)." + SELF_AUDITED,
  })
  @ApiParam({ name: 'id', description: 'Audit event id, `<tenantId>:<seq>`.', schema: { type: 'string', maxLength: 100, pattern: '^[^:/\\s]+:[1-9][0-9]*$' } })
  @ApiOkResponse({ type: AuditEventDto })
  @ApiProblemResponses(400, 404)
  async get(@Param('id') id: string): Promise<AuditEventDto> {
    return AuditEventDto.from(await this.getEvent.execute(id));
  }
}
