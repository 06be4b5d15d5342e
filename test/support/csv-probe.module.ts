import { Controller, Get, Module, Query, Res } from '@nestjs/common';
import { InjectModel, MongooseModule, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Response } from 'express';
import type { Model } from 'mongoose';
import { Authenticated } from '#src/kernel/auth/route-access.decorators';
import { RequestContext } from '#src/kernel/context/request-context';
import { ApiCsvExport, CsvColumn, CsvExportQueryDto, cursorRows, sendCsvExport } from '#src/kernel/export';

export const CSV_PROBE_COLLECTION = 'csv_probe_rows';

/** A tenant-owned test collection, scoped by the real tenant plugin like any feature's. */
@Schema({ collection: CSV_PROBE_COLLECTION, strict: 'throw', versionKey: false })
export class CsvProbeRecord {
  @Prop({ type: String, required: true, immutable: true })
  tenantId!: string;

  @Prop({ type: Number, required: true })
  seq!: number;

  @Prop({ type: String, required: true })
  name!: string;

  @Prop({ type: Number })
  amount?: number;

  @Prop({ type: String })
  note?: string;
}

const CsvProbeSchema = SchemaFactory.createForClass(CsvProbeRecord);

export interface ProbeRow {
  readonly seq: number;
  readonly name: string;
  readonly amount?: number | null;
  readonly note?: string | null;
}

export const PROBE_COLUMNS: readonly CsvColumn<ProbeRow>[] = [
  { header: 'Seq', value: (r) => r.seq, numeric: true },
  { header: 'Name', value: (r) => r.name },
  { header: 'Amount', value: (r) => r.amount, numeric: true },
  { header: 'Note', value: (r) => r.note },
];

export interface ProbeQueryCursor {
  /** mongoose sets this once close() has closed the driver cursor. */
  readonly _closed?: boolean;
  readonly cursor?: { readonly closed: boolean; readonly killed: boolean };
}

/** What one export did to its source, for the spec to inspect. */
export class SourceRecording {
  pulls = 0;
  returned = false;
  /** The tenant in the request context at each pull (must stay the caller's throughout). */
  readonly tenantsSeen = new Set<string | undefined>();
  /** The mongoose QueryCursor behind a database export, and the driver cursor inside it. */
  cursor?: ProbeQueryCursor;
  #onReturn: Array<() => void> = [];

  whenReturned(timeoutMs = 10_000): Promise<void> {
    if (this.returned) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`return() not called within ${timeoutMs} ms (pulls: ${this.pulls})`)), timeoutMs);
      this.#onReturn.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  markReturned(): void {
    this.returned = true;
    for (const fn of this.#onReturn.splice(0)) fn();
  }
}

/** The recordings of the exports the probe served, newest last, keyed by a test-chosen tag. */
export const csvProbe = { recordings: new Map<string, SourceRecording>() };

/** Wraps a source so every pull and the return() call are recorded. */
function recorded<T>(tag: string, source: AsyncIterable<T>, context: RequestContext): AsyncIterable<T> {
  const recording = new SourceRecording();
  csvProbe.recordings.set(tag, recording);
  return {
    [Symbol.asyncIterator]: () => {
      const inner = source[Symbol.asyncIterator]();
      return {
        next: () => {
          recording.pulls += 1;
          recording.tenantsSeen.add(context.tenantId);
          return inner.next();
        },
        return: async () => {
          try {
            return (await inner.return?.()) ?? { done: true, value: undefined };
          } finally {
            recording.markReturned();
          }
        },
      };
    },
  };
}

const PADDING = 'x'.repeat(1_000);

/** 150 MB of CSV, produced as fast as it is asked for: bounded only so that a regression fails cleanly. */
export const LARGE_ROWS = 150_000;

async function* large(): AsyncGenerator<ProbeRow> {
  for (let seq = 0; seq < LARGE_ROWS; seq += 1) yield { seq, name: `row ${seq}`, note: PADDING };
}

async function* failingAfter(rows: number): AsyncGenerator<ProbeRow> {
  for (let seq = 0; seq < rows; seq += 1) yield { seq, name: `row ${seq}` };
  throw new Error('cursor died mid-export: mongodb://admin:hunter2@db/secret');
}

/** A source whose first row takes a while (a slow query): the client may be gone by then. */
async function* slowStart(): AsyncGenerator<ProbeRow> {
  await new Promise((resolve) => setTimeout(resolve, 600));
  for (let seq = 0; seq < 1_000; seq += 1) yield { seq, name: `row ${seq}` };
}

/** Rows the spec sets before a fixture export. */
export const probeFixture = { rows: [] as ProbeRow[] };

class ProbeExportQueryDto extends CsvExportQueryDto {}

/** Test-only CSV exports through the real app and the kernel helper; `tag` names the recording. */
@Authenticated()
@Controller('csv-probe')
class CsvProbeController {
  constructor(
    @InjectModel(CsvProbeRecord.name) private readonly rows: Model<CsvProbeRecord>,
    private readonly context: RequestContext,
  ) {}

  /** The caller's tenant's rows, through a real mongoose cursor on the tenant-scoped model. */
  @Get('db')
  async db(@Query() query: ProbeExportQueryDto, @Res() res: Response): Promise<void> {
    const recording = (): SourceRecording => csvProbe.recordings.get(tag) as SourceRecording;
    const tag = `db:${this.context.tenantId}`;
    const source = cursorRows(() => {
      const cursor = this.rows.find({}).lean<CsvProbeRecord>().cursor({ batchSize: 200 });
      recording().cursor = cursor as unknown as ProbeQueryCursor;
      return cursor;
    });
    await sendCsvExport(res, recorded(tag, source, this.context), PROBE_COLUMNS, { filenameStem: 'probe', bom: query.bom });
  }

  @Get('fixture')
  @ApiCsvExport('probe')
  async fixture(@Query() query: ProbeExportQueryDto, @Res() res: Response): Promise<void> {
    async function* rows(): AsyncGenerator<ProbeRow> {
      yield* probeFixture.rows;
    }
    await sendCsvExport(res, recorded('fixture', rows(), this.context), PROBE_COLUMNS, { filenameStem: 'probe', bom: query.bom });
  }

  @Get('large')
  async large(@Res() res: Response): Promise<void> {
    await sendCsvExport(res, recorded('large', large(), this.context), PROBE_COLUMNS, { filenameStem: 'large' });
  }

  @Get('slow-start')
  async slowStart(@Res() res: Response): Promise<void> {
    await sendCsvExport(res, recorded('slow-start', slowStart(), this.context), PROBE_COLUMNS, { filenameStem: 'probe' });
  }

  @Get('fail-first')
  async failFirst(@Res() res: Response): Promise<void> {
    await sendCsvExport(res, recorded('fail-first', failingAfter(0), this.context), PROBE_COLUMNS, { filenameStem: 'probe' });
  }

  @Get('fail-later')
  async failLater(@Res() res: Response): Promise<void> {
    await sendCsvExport(res, recorded('fail-later', failingAfter(2_000), this.context), PROBE_COLUMNS, { filenameStem: 'probe' });
  }
}

@Module({
  imports: [MongooseModule.forFeature([{ name: CsvProbeRecord.name, schema: CsvProbeSchema }])],
  controllers: [CsvProbeController],
})
export class CsvProbeModule {}
