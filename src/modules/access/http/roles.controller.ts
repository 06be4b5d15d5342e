import { Body, Controller, Get, Headers, Param, Put, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ROLES } from '#src/kernel/auth/permissions';
import { RequirePermission } from '#src/kernel/auth/route-access.decorators';
import type { Role } from '#src/kernel/context/request-context';
import { ApiIfMatch } from '#src/kernel/http/api-if-match.decorator';
import { ApiProblemResponses } from '#src/kernel/http/api-problem-responses.decorator';
import { etagOf, ifMatchRevision } from '#src/kernel/http/etag';
import { GetRole } from '../application/get-role.use-case';
import { ListRoles } from '../application/list-roles.use-case';
import { ReplaceRoleGrants } from '../application/replace-role-grants.use-case';
import { ReplaceRoleGrantsDto, RoleDto, RoleListDto } from './access.dto';
import { RoleParamPipe } from './role-param.pipe';

const ROLE_PARAM = { name: 'role', enum: ROLES, description: 'One of the four roles.' } as const;

@ApiTags('Roles')
@Controller('roles')
export class RolesController {
  constructor(
    private readonly listRoles: ListRoles,
    private readonly getRole: GetRole,
    private readonly replaceGrants: ReplaceRoleGrants,
  ) {}

  @Get()
  @RequirePermission('roles:read')
  @ApiOperation({ operationId: 'listRoles', summary: 'Roles and their grants', description: 'Each role with its grants in this tenant, the catalogue defaults and the ceiling it can never exceed.' })
  @ApiOkResponse({ type: RoleListDto })
  @ApiProblemResponses(400)
  async list(): Promise<RoleListDto> {
    return { data: (await this.listRoles.execute()).map(RoleDto.from) };
  }

  @Get(':role')
  @RequirePermission('roles:read')
  @ApiParam(ROLE_PARAM)
  @ApiOperation({ operationId: 'getRole', summary: 'One role and its grants', description: 'The role with its grants, defaults and ceiling; ETag for a later PUT.' })
  @ApiOkResponse({ type: RoleDto })
  @ApiProblemResponses(400, 404)
  async get(@Param('role', RoleParamPipe) role: Role, @Res({ passthrough: true }) res: Response): Promise<RoleDto> {
    const view = await this.getRole.execute(role);
    res.setHeader('ETag', etagOf(view.revision));
    return RoleDto.from(view);
  }

  @Put(':role')
  @RequirePermission('roles:manage')
  @ApiParam(ROLE_PARAM)
  @ApiIfMatch()
  @ApiOperation({ operationId: 'replaceRoleGrants', summary: "Replace a role's grants", description: "Sets the role's complete grant set for this tenant, within its ceiling; the Admin role must keep roles:manage. Applies from the next request." })
  @ApiOkResponse({ type: RoleDto })
  @ApiProblemResponses(400, 404, 409, 412)
  async replace(
    @Param('role', RoleParamPipe) role: Role,
    @Body() body: ReplaceRoleGrantsDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RoleDto> {
    const view = await this.replaceGrants.execute(role, body.grants, ifMatchRevision(ifMatch));
    res.setHeader('ETag', etagOf(view.revision));
    return RoleDto.from(view);
  }
}
