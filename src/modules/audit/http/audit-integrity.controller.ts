import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditKeys } from '#src/kernel/audit/audit-keys';
import { RequirePermission } from '#src/kernel/auth/route-access.decorators';
import { ApiProblemResponses } from '#src/kernel/http/api-problem-responses.decorator';
import { ListQueryDto } from '#src/kernel/http/pagination';
import { AuditAccess } from '../application/audit-access';
import { ListAuditDigests } from '../application/list-audit-digests.use-case';
import { MAX_VERIFIED_EVENTS, VerifyAuditTrail } from '../application/verify-audit-trail.use-case';
import { AuditDigestDto, AuditDigestPageDto, AuditPublicKeyDto, AuditPublicKeysDto, AuditVerificationDto, AuditVerifyQueryDto } from './audit-integrity.dto';

/** Registered before AuditEventsController, so `verify`, `digests` and `keys` are never taken for an event id. */
@ApiTags('Audit')
@Controller('audit-events')
export class AuditIntegrityController {
  constructor(
    private readonly verifyTrail: VerifyAuditTrail,
    private readonly listDigests: ListAuditDigests,
    private readonly keys: AuditKeys,
    private readonly access: AuditAccess,
  ) {}

  @Get('verify')
  @RequirePermission('audit:read')
  @ApiOperation({
    operationId: 'verifyAuditEvents',
    summary: "Verify the tenant's audit trail over a time range",
    description:
      'Recomputes every event hash in the range, checks each link, the retention anchor, and every signed digest (signature, ' +
      'digest chain, and that the event it sealed still has the sealed hash), with the published keys. Reports `intact`, or ' +
      `the first broken sequence number and why. At most ${MAX_VERIFIED_EVENTS} events per call. For a check that needs nothing ` +
      'from this service, export NDJSON and run `npm run cli -- audit:verify` with the public key (docs/audit.md).',
  })
  @ApiOkResponse({ type: AuditVerificationDto })
  @ApiProblemResponses(400)
  async verify(@Query() query: AuditVerifyQueryDto): Promise<AuditVerificationDto> {
    return AuditVerificationDto.from(await this.verifyTrail.execute(query.from, query.to));
  }

  @Get('digests')
  @RequirePermission('audit:read')
  @ApiOperation({
    operationId: 'listAuditDigests',
    summary: "The signed digests that seal the tenant's audit chain",
    description: 'Newest first. Keep copies outside this system: a digest you hold is what proves that no newest events were cut (docs/audit.md).',
  })
  @ApiOkResponse({ type: AuditDigestPageDto })
  @ApiProblemResponses(400)
  async digests(@Query() query: ListQueryDto): Promise<AuditDigestPageDto> {
    const page = await this.listDigests.execute(query.cursor, query.limit);
    return { data: page.data.map(AuditDigestDto.from), nextCursor: page.nextCursor };
  }

  @Get('keys')
  @RequirePermission('audit:read')
  @ApiOperation({
    operationId: 'listAuditKeys',
    summary: 'The public keys that verify audit digests and retention checkpoints',
    description: 'The current key and every retired one, each with the window in which its signatures count. Compare them with keys you obtained through a channel you trust.',
  })
  @ApiOkResponse({ type: AuditPublicKeysDto })
  @ApiProblemResponses(400)
  keysList(): AuditPublicKeysDto {
    this.access.require('audit:read');
    return { data: this.keys.published.map(AuditPublicKeyDto.from) };
  }
}
