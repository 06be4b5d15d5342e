import { DomainError } from '#src/kernel/errors/domain-error';

/**
 * A delivery's items, in order. Auth0 sends a JSON array ("JSON Array"), one object per line
 * ("JSON Lines", the default) or one object ("JSON Object"); which one is read from the body,
 * whatever the Content-Type says. A line that is not JSON is one bad item, reported with the
 * good ones recorded; a body with nothing readable in it is refused as a whole.
 */
export type BatchItem = { readonly index: number; readonly value: unknown } | { readonly index: number; readonly error: string };

export function parseLogBatch(body: string): BatchItem[] {
  const text = body.replace(/^\uFEFF/, '').trim();
  if (text === '') throw malformed('The request body is empty; send Auth0 log events as a JSON array or JSON lines.');
  const whole = parseJson(text);
  if (whole.ok) {
    if (Array.isArray(whole.value)) return whole.value.map((value, index) => ({ index, value }));
    if (typeof whole.value === 'object' && whole.value !== null) return [{ index: 0, value: whole.value }];
    throw new DomainError('validation_failed', 'The request body must be a JSON array of Auth0 log events, JSON lines, or one event object.', {
      errors: [{ field: '', message: 'must be an array or an object' }],
    });
  }
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const items: BatchItem[] = lines.map((line, index) => {
    const parsed = parseJson(line);
    return parsed.ok ? { index, value: parsed.value } : { index, error: 'is not valid JSON' };
  });
  if (items.every((item) => 'error' in item)) throw malformed('The request body is neither JSON nor JSON lines.');
  return items;
}

function malformed(detail: string): DomainError {
  return new DomainError('malformed_json', detail);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}
