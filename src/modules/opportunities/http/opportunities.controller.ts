import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequirePermission } from '#src/kernel/auth/route-access.decorators';
import { ApiIdParam } from '#src/kernel/http/api-id-param.decorator';
import { ApiIfMatch } from '#src/kernel/http/api-if-match.decorator';
import { ApiProblemResponses } from '#src/kernel/http/api-problem-responses.decorator';
import { ApiCsvExport, sendCsvExport } from '#src/kernel/export';
import { etagOf, ifMatchRevision } from '#src/kernel/http/etag';
import { CreateOpportunity } from '../application/create-opportunity.use-case';
import { DeleteOpportunity } from '../application/delete-opportunity.use-case';
import { GetOpportunity } from '../application/get-opportunity.use-case';
import { ListOpportunities } from '../application/list-opportunities.use-case';
import { ReopenOpportunity } from '../application/reopen-opportunity.use-case';
import { StreamOpportunities } from '../application/stream-opportunities.use-case';
import { UpdateOpportunity } from '../application/update-opportunity.use-case';
import type { Opportunity } from '../domain/opportunity';
import { CreateOpportunityDto, ReopenOpportunityDto, UpdateOpportunityDto } from './opportunity-input.dto';
import { OPPORTUNITY_CSV_COLUMNS } from './opportunity-csv';
import { OpportunityExportQueryDto, OpportunityListQueryDto, toOpportunityListFilter } from './opportunity-list-query.dto';
import { OpportunityDto, OpportunityPageDto } from './opportunity.dto';

// Response headers (ETag, Location) are stated in the operation descriptions rather than as
// response `headers` (see the partners controller for why).
export const ETAG_NOTE = ' The `ETag` response header carries the revision, quoted (e.g. `"3"`); send it back in `If-Match`.';

@ApiTags('Opportunities')
@Controller('opportunities')
export class OpportunitiesController {
  constructor(
    private readonly listOpportunities: ListOpportunities,
    private readonly getOpportunity: GetOpportunity,
    private readonly createOpportunity: CreateOpportunity,
    private readonly updateOpportunity: UpdateOpportunity,
    private readonly deleteOpportunity: DeleteOpportunity,
    private readonly reopenOpportunity: ReopenOpportunity,
    private readonly streamOpportunities: StreamOpportunities,
  ) {}

  @Get()
  @RequirePermission('opportunities:read')
  @ApiOperation({
    operationId: 'listOpportunities',
    summary: 'List opportunities',
    description:
      "Opportunities in the caller's scope (Partner users: their partner's; Agents: their own; Staff and Admin: all), oldest " +
      'first unless `sort` says otherwise. Filters combine with AND. Pages are keyset-based (sort key, then id): stable while ' +
      'opportunities are added.',
  })
  @ApiOkResponse({ type: OpportunityPageDto })
  @ApiProblemResponses(400)
  async list(@Query() query: OpportunityListQueryDto): Promise<OpportunityPageDto> {
    const page = await this.listOpportunities.execute(toOpportunityListFilter(query), { sort: query.sort, cursor: query.cursor, limit: query.limit });
    return { data: page.data.map(OpportunityDto.from), nextCursor: page.nextCursor };
  }

  @Post()
  @RequirePermission('opportunities:create')
  @ApiOperation({
    operationId: 'createOpportunity',
    summary: 'Open an opportunity',
    description:
      'Opens a deal at revision 1 in an open stage (default prospecting), with the stage\'s default probability unless one is ' +
      'given. Staff and Admin name the partner (400 if unknown, 409 `partner_suspended` if suspended) and may name the owner; ' +
      'partner users granted this permission open it for their own partner as themselves (sending `partnerId` or `ownerId` ' +
      'is a 400). Answers 201 with `Location: /v1/opportunities/{id}`.' +
      ETAG_NOTE,
  })
  @ApiBody({ type: CreateOpportunityDto })
  @ApiCreatedResponse({ type: OpportunityDto, description: 'Created; `Location` names the new opportunity (`/v1/opportunities/{id}`).' })
  @ApiProblemResponses(400, 409)
  async create(@Body() body: CreateOpportunityDto, @Res({ passthrough: true }) res: Response): Promise<OpportunityDto> {
    const opportunity = await this.createOpportunity.execute(body);
    res.setHeader('Location', `/v1/opportunities/${opportunity.id}`);
    return respond(res, opportunity);
  }

  // Declared before GET :id, so `export` is never taken for an id.
  @Get('export')
  @RequirePermission('opportunities:export')
  @ApiCsvExport('opportunities')
  @ApiOperation({
    operationId: 'exportOpportunities',
    summary: 'Export opportunities as CSV',
    description:
      'Streams every opportunity in the caller\'s scope that matches the list filters as RFC 4180 CSV with a header row ' +
      "(`bom=true` adds a UTF-8 byte order mark). Text cells that a spreadsheet would run as a formula are prefixed with `'`; " +
      'money and probability stay numeric.',
  })
  @ApiProblemResponses(400)
  async export(@Query() query: OpportunityExportQueryDto, @Res() res: Response): Promise<void> {
    const rows = this.streamOpportunities.execute(toOpportunityListFilter(query));
    await sendCsvExport(res, rows, OPPORTUNITY_CSV_COLUMNS, { filenameStem: 'opportunities', bom: query.bom });
  }

  @Get(':id')
  @RequirePermission('opportunities:read')
  @ApiOperation({ operationId: 'getOpportunity', summary: 'One opportunity', description: `An opportunity in the caller's scope; 404 for any other id.${ETAG_NOTE}` })
  @ApiIdParam()
  @ApiOkResponse({ type: OpportunityDto })
  @ApiProblemResponses(400, 404)
  async get(@Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<OpportunityDto> {
    return respond(res, await this.getOpportunity.execute(id));
  }

  @Patch(':id')
  @RequirePermission('opportunities:update')
  @ApiOperation({
    operationId: 'updateOpportunity',
    summary: 'Change an opportunity or move its stage',
    description:
      'Changes the fields sent and leaves the others; `null` removes an optional field. Stage moves: forward to any later ' +
      'open stage or to closed_won / closed_lost from any open stage (closed_lost needs `closeReason`); back to an earlier ' +
      'open stage for Staff and Admin only (403 for partner users). A closed opportunity is read-only: any change is a 409 ' +
      '`opportunity_closed` naming its stage (Staff and Admin may reopen it). Restating the current stage changes nothing. ' +
      'Each change is a new revision; with `If-Match`, only if the opportunity is still at that revision (412 otherwise, ' +
      'checked first).' +
      ETAG_NOTE,
  })
  @ApiIdParam()
  @ApiIfMatch()
  @ApiBody({ type: UpdateOpportunityDto })
  @ApiOkResponse({ type: OpportunityDto })
  @ApiProblemResponses(400, 404, 409)
  async update(
    @Param('id') id: string,
    @Body() body: UpdateOpportunityDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<OpportunityDto> {
    return respond(res, await this.updateOpportunity.execute(id, body, ifMatchRevision(ifMatch)));
  }

  @Delete(':id')
  @RequirePermission('opportunities:delete')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteOpportunity',
    summary: 'Delete an opportunity',
    description:
      'Soft-deletes the opportunity: from then on it answers 404 and is left out of lists and exports. A closed opportunity ' +
      'is read-only (409 `opportunity_closed`): reopen it first.',
  })
  @ApiIdParam()
  @ApiIfMatch()
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblemResponses(400, 404, 409)
  async remove(@Param('id') id: string, @Headers('if-match') ifMatch: string | undefined): Promise<void> {
    await this.deleteOpportunity.execute(id, ifMatchRevision(ifMatch));
  }

  @Post(':id/reopen')
  @RequirePermission('opportunities:update')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'reopenOpportunity',
    summary: 'Reopen a closed opportunity',
    description:
      'closed_won or closed_lost → negotiation, at negotiation\'s default probability (75), clearing `closeReason`; recorded ' +
      'in the stage history with the optional reason. Staff and Admin only (403 for partner users, whatever their grants); ' +
      'from an open stage: 409 `invalid_transition` naming it. A new revision; with `If-Match`, only if the opportunity is ' +
      'still at that revision (412 otherwise).' +
      ETAG_NOTE,
  })
  @ApiIdParam()
  @ApiIfMatch()
  @ApiBody({ type: ReopenOpportunityDto, required: false })
  @ApiOkResponse({ type: OpportunityDto })
  @ApiProblemResponses(400, 404, 409)
  async reopen(
    @Param('id') id: string,
    @Body() body: ReopenOpportunityDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<OpportunityDto> {
    return respond(res, await this.reopenOpportunity.execute(id, body.reason, ifMatchRevision(ifMatch)));
  }
}

export function respond(res: Response, opportunity: Opportunity): OpportunityDto {
  res.setHeader('ETag', etagOf(opportunity.revision));
  return OpportunityDto.from(opportunity);
}
