import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { MachineSecret } from '#src/kernel/auth/route-access.decorators';
import { ApiProblemResponses } from '#src/kernel/http/api-problem-responses.decorator';
import { ProblemDto } from '#src/kernel/http/problem.dto';
import { IngestAuth0LogStream } from '../application/ingest-log-stream.use-case';
import { AUTH0_LOG_STREAM_ROUTE, MAX_LOG_STREAM_BODY_LABEL } from './log-stream-body.middleware';
import { LogStreamText } from './log-stream-text.decorator';
import { Auth0LogEventDto, LogStreamReceiptDto } from './log-stream.dto';

@ApiTags('Integrations')
@Controller()
export class Auth0LogStreamController {
  constructor(private readonly ingest: IngestAuth0LogStream) {}

  @Post(AUTH0_LOG_STREAM_ROUTE)
  @HttpCode(200)
  @MachineSecret('auth0-log-stream')
  @ApiOperation({
    operationId: 'receiveAuth0LogStream',
    summary: 'Auth0 Log Streams webhook: sign-ins into the audit trail',
    description:
      'The Payload URL of an Auth0 Log Stream of type Custom Webhook (any Content Format: JSON Lines, JSON Array or ' +
      `JSON Object; at most ${MAX_LOG_STREAM_BODY_LABEL}). Successful logins (\`s\`, \`scoa\`, \`sens\`) are recorded as ` +
      '`auth.login.success`, failed ones (`f`, `fp`, `fu`, `fc`, `fco`, `fcoa`, `fens`) as `auth.login.failure`, every ' +
      'other failure type `f…` as `auth0.<type>`; other types are skipped. Each event goes to the audit stream of the ' +
      'tenant its Auth0 Organization names, or to the platform stream when the organization is unknown or missing. ' +
      'Redelivering events (same `log_id`) records nothing new. Items that are not usable events are reported in the ' +
      'answer, not refused with an error, so that Auth0 does not retry the good ones; a body with nothing readable is a 400.',
  })
  @ApiExtraModels(Auth0LogEventDto)
  @ApiBody({
    description: 'Auth0 log events: a JSON array, one JSON object per line, or one object.',
    schema: { oneOf: [{ type: 'array', maxItems: 10_000, items: { $ref: getSchemaPath(Auth0LogEventDto) } }, { $ref: getSchemaPath(Auth0LogEventDto) }] },
  })
  @ApiOkResponse({ type: LogStreamReceiptDto, description: 'What was recorded, counted.' })
  @ApiProblemResponses(400, 415, 503)
  @ApiResponse({
    status: 413,
    description: `Request body over ${MAX_LOG_STREAM_BODY_LABEL}.`,
    content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } },
  })
  async receive(@LogStreamText() body: string): Promise<LogStreamReceiptDto> {
    return LogStreamReceiptDto.from(await this.ingest.execute(body));
  }
}
