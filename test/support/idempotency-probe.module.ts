import { Body, Controller, HttpCode, Module, Param, Post, Res } from '@nestjs/common';
import { getModelToken, InjectModel, MongooseModule, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { Response } from 'express';
import type { Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { Public, RequirePermission } from '#src/kernel/auth/route-access.decorators';
import { RequestContext } from '#src/kernel/context/request-context';
import { DomainError } from '#src/kernel/errors/domain-error';
import type { TestApp } from '../utils/test-app';

export const IDEMPOTENCY_PROBE_COLLECTION = 'idempotency_probe_runs';

/** One row per execution of a probe handler: the tests count them to prove a replay ran nothing. */
@Schema({ collection: IDEMPOTENCY_PROBE_COLLECTION, strict: 'throw', versionKey: false })
export class ProbeRunRecord {
  @Prop({ type: String, required: true, immutable: true })
  tenantId!: string;

  @Prop({ type: String, required: true })
  label!: string;
}

const ProbeRunSchema = SchemaFactory.createForClass(ProbeRunRecord);
ProbeRunSchema.index({ tenantId: 1, label: 1 });

export const PROBE_OUTCOMES = ['created', 'conflict', 'invalid', 'busy', 'crash'] as const;
export type ProbeOutcome = (typeof PROBE_OUTCOMES)[number];

class ProbeRunDto {
  @IsString()
  @MaxLength(100)
  label!: string;

  @IsOptional()
  @IsIn(PROBE_OUTCOMES)
  outcome?: ProbeOutcome;

  /** Holds the handler, after its write, until the test opens this gate. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  gate?: string;
}

const GATE_TIMEOUT_MS = 15_000;
const gates = new Map<string, { opened: Promise<void>; open: () => void }>();

function gate(name: string): { opened: Promise<void>; open: () => void } {
  let entry = gates.get(name);
  if (!entry) {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    entry = { opened, open };
    gates.set(name, entry);
  }
  return entry;
}

/** Lets every handler held at this gate go on (it may be opened before anyone arrives). */
export function openGate(name: string): void {
  gate(name).open();
}

async function waitAtGate(name: string): Promise<void> {
  // A test that fails before opening its gate must not leave the app unable to close.
  await Promise.race([gate(name).opened, new Promise((resolve) => setTimeout(resolve, GATE_TIMEOUT_MS).unref())]);
}

/**
 * Test-only POST routes behind a real permission: each records one execution, then answers
 * with fresh values (so a re-execution is told from a replay) or fails as asked.
 */
@Controller('idempotency-probe')
class IdempotencyProbeController {
  constructor(@InjectModel(ProbeRunRecord.name) private readonly runs: Model<ProbeRunRecord>) {}

  @Post('runs')
  @RequirePermission('partners:create')
  async run(@Body() body: ProbeRunDto, @Res({ passthrough: true }) res: Response): Promise<Record<string, unknown>> {
    const run = await this.runs.create({ label: body.label });
    if (body.gate) await waitAtGate(body.gate);
    switch (body.outcome ?? 'created') {
      case 'conflict':
        throw new DomainError('conflict', `The label ${body.label} is taken.`);
      case 'invalid':
        throw new DomainError('validation_failed', 'The label is not acceptable.', { errors: [{ field: '/label', message: 'is reserved' }] });
      case 'busy':
        throw new DomainError('conflict', 'Busy right now; retry shortly.', { retryAfterSeconds: 1 });
      case 'crash':
        throw new Error('probe crashed');
      case 'created':
        break;
    }
    const id = run._id.toHexString();
    res.setHeader('Location', `/v1/idempotency-probe/runs/${id}`);
    res.setHeader('ETag', '"1"');
    return { id, label: body.label, nonce: randomUUID(), nested: { z: 1, a: [2, { y: 'é', b: null }] } };
  }

  @Post('runs/:id/touch')
  @RequirePermission('partners:create')
  @HttpCode(200)
  async touch(@Param('id') id: string, @Body() body: ProbeRunDto): Promise<Record<string, unknown>> {
    await this.runs.create({ label: body.label });
    return { id, touched: randomUUID() };
  }

  @Post('runs/forget')
  @RequirePermission('partners:create')
  @HttpCode(204)
  async forget(@Body() body: ProbeRunDto): Promise<void> {
    await this.runs.create({ label: body.label });
  }

  @Post('public')
  @Public()
  publicRoute(): { nonce: string } {
    return { nonce: randomUUID() };
  }
}

@Module({
  imports: [MongooseModule.forFeature([{ name: ProbeRunRecord.name, schema: ProbeRunSchema }])],
  controllers: [IdempotencyProbeController],
})
export class IdempotencyProbeModule {}

/** How many times the probe ran for this label in this tenant. */
export async function probeRuns(t: TestApp, tenantId: string, label: string): Promise<number> {
  const model = t.app.get<Model<ProbeRunRecord>>(getModelToken(ProbeRunRecord.name), { strict: false });
  return t.app.get(RequestContext).runInTenant(tenantId, 'test:idempotency', () => model.countDocuments({ label }).exec());
}
