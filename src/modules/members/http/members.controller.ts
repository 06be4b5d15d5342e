import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '#src/kernel/auth/route-access.decorators';
import { ApiIdParam } from '#src/kernel/http/api-id-param.decorator';
import { ApiProblemResponses } from '#src/kernel/http/api-problem-responses.decorator';
import { ListQueryDto, toPageRequest } from '#src/kernel/http/pagination';
import { GetMember } from '../application/get-member.use-case';
import { ListMembers } from '../application/list-members.use-case';
import { MemberDto, MemberPageDto } from './member.dto';

@ApiTags('Members')
@Controller('members')
export class MembersController {
  constructor(
    private readonly listMembers: ListMembers,
    private readonly getMember: GetMember,
  ) {}

  @Get()
  @Authenticated()
  @ApiOperation({ operationId: 'listMembers', summary: 'List the tenant members', description: 'Members of the caller\'s tenant, oldest first.' })
  @ApiOkResponse({ type: MemberPageDto })
  @ApiProblemResponses(400)
  async list(@Query() query: ListQueryDto): Promise<MemberPageDto> {
    const page = await this.listMembers.execute(toPageRequest(query));
    return { data: page.data.map(MemberDto.from), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Authenticated()
  @ApiOperation({ operationId: 'getMember', summary: 'One tenant member', description: 'A member of the caller\'s tenant; 404 for any other id.' })
  @ApiIdParam()
  @ApiOkResponse({ type: MemberDto })
  @ApiProblemResponses(400, 404)
  async get(@Param('id') id: string): Promise<MemberDto> {
    return MemberDto.from(await this.getMember.execute(id));
  }
}
