import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/route-access.decorators';
import { ApiProblemResponses } from '../http/api-problem-responses.decorator';
import { BuildInfo, readBuildInfo } from './build-info';
import { LivenessDto, ReadinessDto, VersionDto } from './health.dto';
import { ReadinessService } from './readiness.service';

@ApiTags('Health')
@Public()
@Controller()
export class HealthController {
  private readonly buildInfo: BuildInfo = readBuildInfo();

  constructor(private readonly readiness: ReadinessService) {}

  @Get('health/live')
  @ApiOperation({
    operationId: 'getLiveness',
    summary: 'The process is up',
    description: 'Answers 200 while the process can serve HTTP at all; no dependency is checked. Public.',
  })
  @ApiOkResponse({ type: LivenessDto })
  @ApiProblemResponses(400)
  live(): LivenessDto {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @ApiOperation({
    operationId: 'getReadiness',
    summary: 'The API can serve requests',
    description: 'Answers 200 when the database answers a ping, 503 problem+json with Retry-After when not. Public.',
  })
  @ApiOkResponse({ type: ReadinessDto })
  @ApiProblemResponses(400, 503)
  ready(): Promise<ReadinessDto> {
    return this.readiness.check();
  }

  @Get('version')
  @ApiOperation({
    operationId: 'getVersion',
    summary: 'Version of this build',
    description: 'The package version and the source commit recorded when this build was made. Public.',
  })
  @ApiOkResponse({ type: VersionDto })
  @ApiProblemResponses(400)
  version(): BuildInfo {
    return this.buildInfo;
  }
}
