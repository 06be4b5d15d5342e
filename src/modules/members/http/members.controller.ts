import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequirePermission } from '#src/kernel/auth/route-access.decorators';
import { ApiIdParam } from '#src/kernel/http/api-id-param.decorator';
import { ApiIfMatch } from '#src/kernel/http/api-if-match.decorator';
import { ApiProblemResponses } from '#src/kernel/http/api-problem-responses.decorator';
import { etagOf, ifMatchRevision } from '#src/kernel/http/etag';
import { ListQueryDto, toPageRequest } from '#src/kernel/http/pagination';
import { AddMember } from '../application/add-member.use-case';
import { DeactivateMember, UpdateMember } from '../application/change-member.use-cases';
import { GetMember } from '../application/get-member.use-case';
import { ListMembers } from '../application/list-members.use-case';
import { AddMemberDto, MemberDto, MemberPageDto, UpdateMemberDto } from './member.dto';

@ApiTags('Members')
@Controller('members')
export class MembersController {
  constructor(
    private readonly listMembers: ListMembers,
    private readonly getMember: GetMember,
    private readonly addMember: AddMember,
    private readonly updateMember: UpdateMember,
    private readonly deactivateMember: DeactivateMember,
  ) {}

  @Get()
  @RequirePermission('members:read')
  @ApiOperation({ operationId: 'listMembers', summary: 'List the tenant members', description: "Members of the caller's tenant, oldest first." })
  @ApiOkResponse({ type: MemberPageDto })
  @ApiProblemResponses(400)
  async list(@Query() query: ListQueryDto): Promise<MemberPageDto> {
    const page = await this.listMembers.execute(toPageRequest(query));
    return { data: page.data.map(MemberDto.from), nextCursor: page.nextCursor };
  }

  @Post()
  @RequirePermission('members:manage')
  @ApiOperation({
    operationId: 'addMember',
    summary: 'Add a member',
    description: 'Adds a user by `sub`, or invites one by email (pending until that verified email first signs in). Partner and Agent need a partner of this tenant.',
  })
  @ApiCreatedResponse({ type: MemberDto })
  @ApiProblemResponses(400, 409)
  async add(@Body() body: AddMemberDto, @Res({ passthrough: true }) res: Response): Promise<MemberDto> {
    const member = await this.addMember.execute(body);
    res.setHeader('Location', `/v1/members/${member.id}`);
    res.setHeader('ETag', etagOf(member.revision));
    return MemberDto.from(member);
  }

  @Get(':id')
  @RequirePermission('members:read')
  @ApiIdParam()
  @ApiOperation({ operationId: 'getMember', summary: 'One tenant member', description: "A member of the caller's tenant; 404 for any other id." })
  @ApiOkResponse({ type: MemberDto })
  @ApiProblemResponses(400, 404)
  async get(@Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<MemberDto> {
    const member = await this.getMember.execute(id);
    res.setHeader('ETag', etagOf(member.revision));
    return MemberDto.from(member);
  }

  @Patch(':id')
  @RequirePermission('members:manage')
  @ApiIdParam()
  @ApiIfMatch()
  @ApiOperation({ operationId: 'updateMember', summary: "Change a member's role or partner", description: 'The last active Admin cannot be demoted.' })
  @ApiOkResponse({ type: MemberDto })
  @ApiProblemResponses(400, 404, 409, 412)
  async update(
    @Param('id') id: string,
    @Body() body: UpdateMemberDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MemberDto> {
    const member = await this.updateMember.execute(id, body, ifMatchRevision(ifMatch));
    res.setHeader('ETag', etagOf(member.revision));
    return MemberDto.from(member);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('members:manage')
  @ApiIdParam()
  @ApiIfMatch()
  @ApiOperation({ operationId: 'deactivateMember', summary: 'Deactivate a member', description: 'The member can no longer sign in to this tenant; the record stays. The last active Admin cannot be deactivated.' })
  @ApiNoContentResponse({ description: 'Deactivated.' })
  @ApiProblemResponses(400, 404, 409, 412)
  async deactivate(@Param('id') id: string, @Headers('if-match') ifMatch: string | undefined): Promise<void> {
    await this.deactivateMember.execute(id, ifMatchRevision(ifMatch));
  }
}
