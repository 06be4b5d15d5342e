import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { RequirePermission } from '#src/kernel/auth/route-access.decorators';
import { ApiIdParam } from '#src/kernel/http/api-id-param.decorator';
import { ApiIfMatch } from '#src/kernel/http/api-if-match.decorator';
import { ApiProblemResponses } from '#src/kernel/http/api-problem-responses.decorator';
import { etagOf, ifMatchRevision } from '#src/kernel/http/etag';
import { toPageRequest } from '#src/kernel/http/pagination';
import { CreatePartner } from '../application/create-partner.use-case';
import { DeletePartner } from '../application/delete-partner.use-case';
import { GetPartner } from '../application/get-partner.use-case';
import { ListPartners } from '../application/list-partners.use-case';
import { UpdatePartner } from '../application/update-partner.use-case';
import type { Partner } from '../domain/partner';
import { CreatePartnerDto, UpdatePartnerDto } from './partner-input.dto';
import { PartnerListQueryDto } from './partner-list-query.dto';
import { PartnerDto, PartnerPageDto } from './partner.dto';

// Response headers (ETag, Location) are stated in the operation descriptions rather than as
// response `headers`: the OWASP ruleset then also demands Access-Control-Allow-Origin, which this
// API does not send until CORS is configured.
const ETAG_NOTE = ' The `ETag` response header carries the revision, quoted (e.g. `"3"`); send it back in `If-Match`.';

@ApiTags('Partners')
@Controller('partners')
export class PartnersController {
  constructor(
    private readonly listPartners: ListPartners,
    private readonly getPartner: GetPartner,
    private readonly createPartner: CreatePartner,
    private readonly updatePartner: UpdatePartner,
    private readonly deletePartner: DeletePartner,
  ) {}

  @Get()
  @RequirePermission('partners:read')
  @ApiOperation({
    operationId: 'listPartners',
    summary: 'List partners',
    description: 'Partner organizations in the caller\'s scope (partner-side users see only their own), oldest first. Filters combine with AND.',
  })
  @ApiOkResponse({ type: PartnerPageDto })
  @ApiProblemResponses(400)
  async list(@Query() query: PartnerListQueryDto): Promise<PartnerPageDto> {
    const page = await this.listPartners.execute({ status: query.status, tier: query.tier, namePrefix: query.q }, toPageRequest(query));
    return { data: page.data.map(PartnerDto.from), nextCursor: page.nextCursor };
  }

  @Post()
  @RequirePermission('partners:create')
  @ApiOperation({
    operationId: 'createPartner',
    summary: 'Create a partner',
    description:
      'Adds a partner organization at revision 1. Tier defaults to registered and status to prospect. Answers 201 with ' +
      '`Location: /v1/partners/{id}`.' +
      ETAG_NOTE,
  })
  @ApiBody({ type: CreatePartnerDto })
  @ApiCreatedResponse({ type: PartnerDto, description: 'Created; `Location` names the new partner (`/v1/partners/{id}`).' })
  @ApiProblemResponses(400)
  async create(@Body() body: CreatePartnerDto, @Res({ passthrough: true }) res: Response): Promise<PartnerDto> {
    const partner = await this.createPartner.execute(body);
    res.setHeader('Location', `/v1/partners/${partner.id}`);
    return respond(res, partner);
  }

  @Get(':id')
  @RequirePermission('partners:read')
  @ApiOperation({ operationId: 'getPartner', summary: 'One partner', description: `A partner in the caller's scope; 404 for any other id.${ETAG_NOTE}` })
  @ApiIdParam()
  @ApiOkResponse({ type: PartnerDto })
  @ApiProblemResponses(400, 404)
  async get(@Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<PartnerDto> {
    return respond(res, await this.getPartner.execute(id));
  }

  @Patch(':id')
  @RequirePermission('partners:update')
  @ApiOperation({
    operationId: 'updatePartner',
    summary: 'Change a partner',
    description:
      'Changes the fields sent and leaves the others; `null` removes an optional field. Each change is a new revision; ' +
      'with `If-Match`, only if the partner is still at that revision.' +
      ETAG_NOTE,
  })
  @ApiIdParam()
  @ApiIfMatch()
  @ApiBody({ type: UpdatePartnerDto })
  @ApiOkResponse({ type: PartnerDto })
  @ApiProblemResponses(400, 404, 409)
  async update(
    @Param('id') id: string,
    @Body() body: UpdatePartnerDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PartnerDto> {
    return respond(res, await this.updatePartner.execute(id, body, ifMatchRevision(ifMatch)));
  }

  @Delete(':id')
  @RequirePermission('partners:delete')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deletePartner',
    summary: 'Delete a partner',
    description: 'Soft-deletes the partner: from then on it answers 404 and is left out of lists.',
  })
  @ApiIdParam()
  @ApiIfMatch()
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblemResponses(400, 404, 409)
  async remove(@Param('id') id: string, @Headers('if-match') ifMatch: string | undefined): Promise<void> {
    await this.deletePartner.execute(id, ifMatchRevision(ifMatch));
  }
}

function respond(res: Response, partner: Partner): PartnerDto {
  res.setHeader('ETag', etagOf(partner.revision));
  return PartnerDto.from(partner);
}
