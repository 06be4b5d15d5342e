import { DomainError } from '#src/kernel/errors/domain-error';
import { parseLogBatch } from './log-batch';

function codeOf(body: string): string | undefined {
  try {
    parseLogBatch(body);
  } catch (error) {
    return error instanceof DomainError ? error.code : 'not a domain error';
  }
  return undefined;
}

describe('parseLogBatch', () => {
  it('reads a JSON array, item by item', () => {
    expect(parseLogBatch('[{"log_id":"1"}, {"log_id":"2"}]')).toEqual([
      { index: 0, value: { log_id: '1' } },
      { index: 1, value: { log_id: '2' } },
    ]);
  });

  it('reads JSON lines, skipping blank lines and tolerating CRLF and a byte order mark', () => {
    expect(parseLogBatch('\uFEFF{"log_id":"1"}\r\n\r\n{"log_id":"2"}\n')).toEqual([
      { index: 0, value: { log_id: '1' } },
      { index: 1, value: { log_id: '2' } },
    ]);
  });

  it('reads one object, pretty-printed or not', () => {
    expect(parseLogBatch('{\n  "log_id": "1"\n}')).toEqual([{ index: 0, value: { log_id: '1' } }]);
  });

  it('reports a line that is not JSON as one bad item and keeps the others', () => {
    expect(parseLogBatch('{"log_id":"1"}\n{oops\n{"log_id":"3"}')).toEqual([
      { index: 0, value: { log_id: '1' } },
      { index: 1, error: 'is not valid JSON' },
      { index: 2, value: { log_id: '3' } },
    ]);
  });

  it('refuses a body with nothing readable in it', () => {
    expect(codeOf('')).toBe('malformed_json');
    expect(codeOf('  \n ')).toBe('malformed_json');
    expect(codeOf('not json at all')).toBe('malformed_json');
    expect(codeOf('[{"log_id":"1"},')).toBe('malformed_json');
    expect(codeOf('42')).toBe('validation_failed');
    expect(codeOf('"a string"')).toBe('validation_failed');
    expect(codeOf('null')).toBe('validation_failed');
  });

  it('takes an empty array as an empty delivery', () => {
    expect(parseLogBatch('[]')).toEqual([]);
  });
});
