import { Body, Controller, Get, Headers, Patch, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequirePermission } from '#src/kernel/auth/route-access.decorators';
import { ApiIfMatch } from '#src/kernel/http/api-if-match.decorator';
import { ApiProblemResponses } from '#src/kernel/http/api-problem-responses.decorator';
import { etagOf, ifMatchRevision } from '#src/kernel/http/etag';
import { GetTenantSettings, UpdateTenantSettings } from '../application/tenant-settings.use-cases';
import { TenantSettingsDto, UpdateTenantSettingsDto } from './access.dto';

@ApiTags('Tenant')
@Controller('tenant/settings')
export class TenantSettingsController {
  constructor(
    private readonly getSettings: GetTenantSettings,
    private readonly updateSettings: UpdateTenantSettings,
  ) {}

  @Get()
  @RequirePermission('tenant:manage')
  @ApiOperation({ operationId: 'getTenantSettings', summary: 'Tenant settings', description: 'Per-tenant knobs: MFA for admin actions, the registration protection window.' })
  @ApiOkResponse({ type: TenantSettingsDto })
  @ApiProblemResponses(400)
  async get(@Res({ passthrough: true }) res: Response): Promise<TenantSettingsDto> {
    const settings = await this.getSettings.execute();
    res.setHeader('ETag', etagOf(settings.revision));
    return TenantSettingsDto.from(settings);
  }

  @Patch()
  @RequirePermission('tenant:manage')
  @ApiIfMatch()
  @ApiOperation({ operationId: 'updateTenantSettings', summary: 'Change tenant settings', description: 'Changes the given settings only.' })
  @ApiOkResponse({ type: TenantSettingsDto })
  @ApiProblemResponses(400, 412)
  async update(
    @Body() body: UpdateTenantSettingsDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TenantSettingsDto> {
    const settings = await this.updateSettings.execute(body, ifMatchRevision(ifMatch));
    res.setHeader('ETag', etagOf(settings.revision));
    return TenantSettingsDto.from(settings);
  }
}
