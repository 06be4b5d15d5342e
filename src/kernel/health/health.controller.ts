import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponses } from '../http/api-problem-responses.decorator';
import { BuildInfo, readBuildInfo } from './build-info';
import { LivenessDto, ReadinessDto, VersionDto } from './health.dto';
import { ReadinessService } from './readiness.service';

@ApiTags('Health')
@Controller()
export class HealthController {
  private readonly buildInfo: BuildInfo = readBuildInfo();

  constructor(private readonly readiness: ReadinessService) {}

  @Get('health/live')
  @ApiOperation({ operationId: 'getLiveness', summary: 'The process is up (no dependency is checked).' })
  @ApiOkResponse({ type: LivenessDto })
  @ApiProblemResponses(400)
  live(): LivenessDto {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @ApiOperation({ operationId: 'getReadiness', summary: 'The API can serve requests: the database answers.' })
  @ApiOkResponse({ type: ReadinessDto })
  @ApiProblemResponses(400, 503)
  ready(): Promise<ReadinessDto> {
    return this.readiness.check();
  }

  @Get('version')
  @ApiOperation({ operationId: 'getVersion', summary: 'Package version and the source commit of this build.' })
  @ApiOkResponse({ type: VersionDto })
  @ApiProblemResponses(400)
  version(): BuildInfo {
    return this.buildInfo;
  }
}
