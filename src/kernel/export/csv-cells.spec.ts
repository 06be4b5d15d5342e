import { assertCsvColumns, csvFilename, neutraliseText, toCsvCell, toCsvRecord } from './csv-cells';
import { cursorRows } from './cursor-rows';

describe('CSV cells', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+cmd', "'+cmd"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['\nx', "'\nx"],
    ['\u0000x', "'\u0000x"],
    ['=', "'="],
  ])('prefixes text that starts like a formula: %j', (text, expected) => {
    expect(neutraliseText(text)).toBe(expected);
  });

  it.each(['', 'plain', 'a=b', ' =1+1', "'quoted", '１+1', '😀=1', 'e\u0301'])('leaves other text alone: %j', (text) => {
    expect(neutraliseText(text)).toBe(text);
  });

  it('writes numbers bare in numeric columns, and treats everything else there as text', () => {
    expect(toCsvCell(-5, true)).toBe('-5');
    expect(toCsvCell(0.25, true)).toBe('0.25');
    expect(toCsvCell(-0, true)).toBe('0');
    expect(toCsvCell(Number.NaN, true)).toBe('');
    expect(toCsvCell(Number.POSITIVE_INFINITY, true)).toBe('');
    expect(toCsvCell('-5', true)).toBe("'-5");
    expect(toCsvCell(null, true)).toBe('');
    expect(toCsvCell(undefined, true)).toBe('');
  });

  it('treats numbers in text columns as text', () => {
    expect(toCsvCell(-5)).toBe("'-5");
    expect(toCsvCell(5)).toBe('5');
    expect(toCsvCell(null)).toBe('');
  });

  it('maps a row through its columns', () => {
    const columns = [
      { header: 'Name', value: (r: { name: string; n: number }) => r.name },
      { header: 'N', value: (r: { name: string; n: number }) => r.n, numeric: true },
    ];
    expect(toCsvRecord({ name: '@x', n: -1 }, columns)).toEqual(["'@x", '-1']);
    expect(() => assertCsvColumns(columns)).not.toThrow();
    expect(() => assertCsvColumns([])).toThrow('at least one column');
    expect(() => assertCsvColumns([{ header: '', value: () => 1 }])).toThrow('needs a header');
  });

  it('names the file <stem>-YYYY-MM-DD.csv in UTC and refuses stems that would need escaping', () => {
    expect(csvFilename('leads', new Date('2026-03-01T23:59:59.999Z'))).toBe('leads-2026-03-01.csv');
    expect(csvFilename('audit_events-v2', new Date('2026-12-31T00:00:00Z'))).toBe('audit_events-v2-2026-12-31.csv');
    for (const stem of ['', 'a"b', 'a b', 'a/b', 'lead\r\nX-Evil: 1', 'é', '-lead']) {
      expect(() => csvFilename(stem, new Date())).toThrow('stem');
    }
  });
});

describe('cursorRows', () => {
  class FakeCursor {
    closed = 0;
    private i = 0;
    constructor(private readonly docs: number[], private readonly failAt = -1) {}
    async next(): Promise<number | null> {
      if (this.i === this.failAt) throw new Error('getMore failed');
      return this.i < this.docs.length ? this.docs[this.i++] : null;
    }
    async close(): Promise<void> {
      this.closed += 1;
    }
  }

  it('yields every document and closes the cursor when exhausted', async () => {
    const cursor = new FakeCursor([1, 2, 3]);
    const seen: number[] = [];
    for await (const doc of cursorRows(() => cursor)) seen.push(doc);
    expect(seen).toEqual([1, 2, 3]);
    expect(cursor.closed).toBe(1);
  });

  it('closes the cursor when the consumer stops early', async () => {
    const cursor = new FakeCursor([1, 2, 3]);
    for await (const doc of cursorRows(() => cursor)) if (doc === 1) break;
    expect(cursor.closed).toBe(1);
  });

  it('closes the cursor when it fails, and passes the error on', async () => {
    const cursor = new FakeCursor([1, 2, 3], 1);
    const iterate = async (): Promise<void> => {
      for await (const _doc of cursorRows(() => cursor)) {
        // reads until the cursor fails
      }
    };
    await expect(iterate()).rejects.toThrow('getMore failed');
    expect(cursor.closed).toBe(1);
  });

  it('opens no cursor until the first pull', async () => {
    const open = jest.fn(() => new FakeCursor([1]));
    const rows = cursorRows(open);
    expect(open).not.toHaveBeenCalled();
    await rows.return();
    expect(open).not.toHaveBeenCalled();
  });
});
