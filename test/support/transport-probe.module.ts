import { Controller, Get, Module, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Public } from '#src/kernel/auth/route-access.decorators';

/** Test-only: what Express made of the transport headers (X-Forwarded-For / -Proto through TRUST_PROXY). */
@Public()
@Controller('transport-probe')
class TransportProbeController {
  @Get()
  show(@Req() req: Request): { ip: string | undefined; ips: string[]; protocol: string; secure: boolean } {
    return { ip: req.ip, ips: req.ips, protocol: req.protocol, secure: req.secure };
  }
}

@Module({ controllers: [TransportProbeController] })
export class TransportProbeModule {}
