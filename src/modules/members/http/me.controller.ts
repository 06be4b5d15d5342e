import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '#src/kernel/auth/route-access.decorators';
import { ApiProblemResponses } from '#src/kernel/http/api-problem-responses.decorator';
import { GetMe } from '../application/get-me.use-case';
import { MeDto } from './me.dto';

@ApiTags('Identity')
@Controller('me')
export class MeController {
  constructor(private readonly getMe: GetMe) {}

  @Get()
  @Authenticated()
  @ApiOperation({
    operationId: 'getMe',
    summary: 'The caller: identity, tenant and membership',
    description: 'Who the API takes the caller to be, resolved from the verified token and the tenant membership records.',
  })
  @ApiOkResponse({ type: MeDto })
  @ApiProblemResponses(400)
  async me(): Promise<MeDto> {
    return MeDto.from(await this.getMe.execute());
  }
}
