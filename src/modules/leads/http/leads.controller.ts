import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequirePermission } from '#src/kernel/auth/route-access.decorators';
import { ApiIdParam } from '#src/kernel/http/api-id-param.decorator';
import { ApiIfMatch } from '#src/kernel/http/api-if-match.decorator';
import { ApiProblemResponses } from '#src/kernel/http/api-problem-responses.decorator';
import { ApiCsvExport, sendCsvExport } from '#src/kernel/export';
import { etagOf, ifMatchRevision } from '#src/kernel/http/etag';
import { ChangeLeadStatus, ReviewAction } from '../application/change-lead-status.use-case';
import { CreateLead } from '../application/create-lead.use-case';
import { DeleteLead } from '../application/delete-lead.use-case';
import { GetLead } from '../application/get-lead.use-case';
import { ListLeads } from '../application/list-leads.use-case';
import { StreamLeads } from '../application/stream-leads.use-case';
import { UpdateLead } from '../application/update-lead.use-case';
import type { LeadView } from '../domain/lead';
import { CreateLeadDto, CreateLeadQueryDto, LeadNoteDto, LeadReasonDto, UpdateLeadDto } from './lead-input.dto';
import { LEAD_CSV_COLUMNS } from './lead-csv';
import { LeadExportQueryDto, LeadListQueryDto, toLeadListFilter } from './lead-list-query.dto';
import { LeadDto, LeadPageDto } from './lead.dto';

// Response headers (ETag, Location) are stated in the operation descriptions rather than as
// response `headers` (see the partners controller for why).
const ETAG_NOTE = ' The `ETag` response header carries the revision, quoted (e.g. `"3"`); send it back in `If-Match`.';
const TRANSITION_NOTE =
  ' Appends to the status history and is a new revision; with `If-Match`, only if the lead is still at that revision (412 ' +
  'otherwise). From any other status: 409 `invalid_transition`, naming the current status.' +
  ETAG_NOTE;

@ApiTags('Leads')
@Controller('leads')
export class LeadsController {
  constructor(
    private readonly listLeads: ListLeads,
    private readonly getLead: GetLead,
    private readonly createLead: CreateLead,
    private readonly updateLead: UpdateLead,
    private readonly deleteLead: DeleteLead,
    private readonly changeStatus: ChangeLeadStatus,
    private readonly streamLeads: StreamLeads,
  ) {}

  @Get()
  @RequirePermission('leads:read')
  @ApiOperation({
    operationId: 'listLeads',
    summary: 'List deal registrations',
    description:
      "Leads in the caller's scope (Partner users: their partner's; Agents: their own; Staff and Admin: all), oldest first " +
      'unless `sort` says otherwise. Filters combine with AND. Pages are keyset-based (sort key, then id): stable while ' +
      'leads are added.',
  })
  @ApiOkResponse({ type: LeadPageDto })
  @ApiProblemResponses(400)
  async list(@Query() query: LeadListQueryDto): Promise<LeadPageDto> {
    const page = await this.listLeads.execute(
      toLeadListFilter(query),
      { sort: query.sort, cursor: query.cursor, limit: query.limit },
    );
    return { data: page.data.map(LeadDto.from), nextCursor: page.nextCursor };
  }

  @Post()
  @RequirePermission('leads:create')
  @ApiOperation({
    operationId: 'createLead',
    summary: 'Register a deal',
    description:
      'Registers a prospect at revision 1, status `submitted`. Partner users register for their own partner as themselves ' +
      '(sending `partnerId`, `ownerId`, `internalNotes` or `commissionPercent` is a 400); Staff and Admin name the partner. ' +
      'A suspended partner gets no new leads (409 `partner_suspended`). If another partner holds an active registration ' +
      '(submitted, under review, returned or approved) of the same registrable domain or contact email, the answer is 409 ' +
      '`registration_conflict` (naming the leads for Staff and Admin only). Answers 201 with `Location: /v1/leads/{id}`.' +
      ETAG_NOTE,
  })
  @ApiBody({ type: CreateLeadDto })
  @ApiCreatedResponse({ type: LeadDto, description: 'Created; `Location` names the new lead (`/v1/leads/{id}`).' })
  @ApiProblemResponses(400, 409)
  async create(@Body() body: CreateLeadDto, @Query() query: CreateLeadQueryDto, @Res({ passthrough: true }) res: Response): Promise<LeadDto> {
    const lead = await this.createLead.execute(body, { allowConflict: query.allowConflict });
    res.setHeader('Location', `/v1/leads/${lead.id}`);
    return respond(res, lead);
  }

  // Declared before GET :id, so `export` is never taken for an id.
  @Get('export')
  @RequirePermission('leads:export')
  @ApiCsvExport('leads')
  @ApiOperation({
    operationId: 'exportLeads',
    summary: 'Export deal registrations as CSV',
    description:
      'Streams every lead in the caller\'s scope that matches the list filters as RFC 4180 CSV with a header row ' +
      '(`bom=true` adds a UTF-8 byte order mark). Text cells that a spreadsheet would run as a formula are prefixed ' +
      "with `'`; money stays numeric in minor units. Internal notes are not exported.",
  })
  @ApiProblemResponses(400)
  async export(@Query() query: LeadExportQueryDto, @Res() res: Response): Promise<void> {
    await sendCsvExport(res, this.streamLeads.execute(toLeadListFilter(query)), LEAD_CSV_COLUMNS, { filenameStem: 'leads', bom: query.bom });
  }

  @Get(':id')
  @RequirePermission('leads:read')
  @ApiOperation({ operationId: 'getLead', summary: 'One deal registration', description: `A lead in the caller's scope; 404 for any other id.${ETAG_NOTE}` })
  @ApiIdParam()
  @ApiOkResponse({ type: LeadDto })
  @ApiProblemResponses(400, 404)
  async get(@Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<LeadDto> {
    return respond(res, await this.getLead.execute(id));
  }

  @Patch(':id')
  @RequirePermission('leads:update')
  @ApiOperation({
    operationId: 'updateLead',
    summary: 'Change a deal registration',
    description:
      'Changes the fields sent and leaves the others; `null` removes an optional field. Partner users may change their ' +
      'leads only while `submitted` or `returned` (409 otherwise) and never `internalNotes`, `commissionPercent` or ' +
      '`ownerId` (400). A new domain or contact email is checked for conflicts like a registration. Each change is a new ' +
      'revision; with `If-Match`, only if the lead is still at that revision.' +
      ETAG_NOTE,
  })
  @ApiIdParam()
  @ApiIfMatch()
  @ApiBody({ type: UpdateLeadDto })
  @ApiOkResponse({ type: LeadDto })
  @ApiProblemResponses(400, 404, 409)
  async update(
    @Param('id') id: string,
    @Body() body: UpdateLeadDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LeadDto> {
    return respond(res, await this.updateLead.execute(id, body, ifMatchRevision(ifMatch)));
  }

  @Delete(':id')
  @RequirePermission('leads:delete')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteLead',
    summary: 'Delete a deal registration',
    description:
      'Soft-deletes the lead and releases its registration: from then on it answers 404 and is left out of lists. A ' +
      'converted lead cannot be deleted (409); partner users may delete only while `submitted` or `returned` (409).',
  })
  @ApiIdParam()
  @ApiIfMatch()
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblemResponses(400, 404, 409)
  async remove(@Param('id') id: string, @Headers('if-match') ifMatch: string | undefined): Promise<void> {
    await this.deleteLead.execute(id, ifMatchRevision(ifMatch));
  }

  @Post(':id/review')
  @RequirePermission('leads:approve')
  @HttpCode(200)
  @ApiOperation({ operationId: 'reviewLead', summary: 'Start reviewing a lead', description: `submitted → under_review.${TRANSITION_NOTE}` })
  @ApiIdParam()
  @ApiIfMatch()
  @ApiBody({ type: LeadNoteDto, required: false })
  @ApiOkResponse({ type: LeadDto })
  @ApiProblemResponses(400, 404, 409)
  async review(@Param('id') id: string, @Body() body: LeadNoteDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) res: Response): Promise<LeadDto> {
    return this.transition(res, id, 'review', body.reason, ifMatch);
  }

  @Post(':id/approve')
  @RequirePermission('leads:approve')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'approveLead',
    summary: 'Approve a lead',
    description: `submitted or under_review → approved; the registration protection window starts now.${TRANSITION_NOTE}`,
  })
  @ApiIdParam()
  @ApiIfMatch()
  @ApiBody({ type: LeadNoteDto, required: false })
  @ApiOkResponse({ type: LeadDto })
  @ApiProblemResponses(400, 404, 409)
  async approve(@Param('id') id: string, @Body() body: LeadNoteDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) res: Response): Promise<LeadDto> {
    return this.transition(res, id, 'approve', body.reason, ifMatch);
  }

  @Post(':id/reject')
  @RequirePermission('leads:approve')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'rejectLead',
    summary: 'Reject a lead',
    description: `submitted or under_review → rejected, with a reason; releases the registration.${TRANSITION_NOTE}`,
  })
  @ApiIdParam()
  @ApiIfMatch()
  @ApiBody({ type: LeadReasonDto })
  @ApiOkResponse({ type: LeadDto })
  @ApiProblemResponses(400, 404, 409)
  async reject(@Param('id') id: string, @Body() body: LeadReasonDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) res: Response): Promise<LeadDto> {
    return this.transition(res, id, 'reject', body.reason, ifMatch);
  }

  @Post(':id/return')
  @RequirePermission('leads:approve')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'returnLead',
    summary: 'Return a lead to the partner',
    description: `submitted or under_review → returned, with a reason; the partner may then change and resubmit it.${TRANSITION_NOTE}`,
  })
  @ApiIdParam()
  @ApiIfMatch()
  @ApiBody({ type: LeadReasonDto })
  @ApiOkResponse({ type: LeadDto })
  @ApiProblemResponses(400, 404, 409)
  async returnToPartner(@Param('id') id: string, @Body() body: LeadReasonDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) res: Response): Promise<LeadDto> {
    return this.transition(res, id, 'return', body.reason, ifMatch);
  }

  @Post(':id/resubmit')
  @RequirePermission('leads:update')
  @HttpCode(200)
  @ApiOperation({ operationId: 'resubmitLead', summary: 'Resubmit a returned lead', description: `returned → submitted.${TRANSITION_NOTE}` })
  @ApiIdParam()
  @ApiIfMatch()
  @ApiBody({ type: LeadNoteDto, required: false })
  @ApiOkResponse({ type: LeadDto })
  @ApiProblemResponses(400, 404, 409)
  async resubmit(@Param('id') id: string, @Body() body: LeadNoteDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) res: Response): Promise<LeadDto> {
    return this.transition(res, id, 'resubmit', body.reason, ifMatch);
  }

  private async transition(res: Response, id: string, action: ReviewAction, reason: string | undefined, ifMatch: string | undefined): Promise<LeadDto> {
    return respond(res, await this.changeStatus.execute(id, action, reason, ifMatchRevision(ifMatch)));
  }
}

function respond(res: Response, lead: LeadView): LeadDto {
  res.setHeader('ETag', etagOf(lead.revision));
  return LeadDto.from(lead);
}
