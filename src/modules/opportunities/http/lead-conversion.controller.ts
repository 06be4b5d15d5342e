import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequirePermission } from '#src/kernel/auth/route-access.decorators';
import { ApiIdParam } from '#src/kernel/http/api-id-param.decorator';
import { ApiProblemResponses } from '#src/kernel/http/api-problem-responses.decorator';
import { ConvertLead } from '../application/convert-lead.use-case';
import { ETAG_NOTE, respond } from './opportunities.controller';
import { ConvertLeadDto } from './opportunity-input.dto';
import { OpportunityDto } from './opportunity.dto';

/**
 * POST /v1/leads/{id}/convert lives here, not in the leads feature: conversion creates an
 * opportunity, and the module graph runs opportunities → leads only.
 */
@ApiTags('Leads', 'Opportunities')
@Controller('leads')
export class LeadConversionController {
  constructor(private readonly convertLead: ConvertLead) {}

  @Post(':id/convert')
  @RequirePermission('opportunities:create')
  @ApiOperation({
    operationId: 'convertLead',
    summary: 'Convert an approved lead into an opportunity',
    description:
      'Staff and Admin only (403 for partner users, whatever their grants). Opens an opportunity that inherits the lead\'s ' +
      'partner, owner, value (`amountMinor`) and currency, named after its company unless `name` is given, and marks the lead ' +
      '`converted`. Only an approved lead converts (409 `invalid_transition` naming its status); a lead converts once: ' +
      'a second conversion, even a concurrent one, is a 409 `lead_already_converted`. A 409 `conflict` means the lead changed ' +
      'during the conversion: re-read it and retry. Answers 201 with `Location: /v1/opportunities/{id}`.' +
      ETAG_NOTE,
  })
  @ApiIdParam()
  @ApiBody({ type: ConvertLeadDto, required: false })
  @ApiCreatedResponse({ type: OpportunityDto, description: 'Converted; `Location` names the new opportunity (`/v1/opportunities/{id}`).' })
  @ApiProblemResponses(400, 404, 409)
  async convert(@Param('id') id: string, @Body() body: ConvertLeadDto, @Res({ passthrough: true }) res: Response): Promise<OpportunityDto> {
    const opportunity = await this.convertLead.execute(id, body);
    res.setHeader('Location', `/v1/opportunities/${opportunity.id}`);
    return respond(res, opportunity);
  }
}
