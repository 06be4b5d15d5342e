import { DomainError, FieldError } from '../errors/domain-error';
import { ChoiceQueryParam, InstantQueryParam, KeysetCursorQueryParam, PageLimitQueryParam, PrefixQueryParam } from './list-query-params';
import { DomainNameField, EmailField, MultilineTextField, RecordIdField, TextField, TokenSubjectField } from './text-fields';
import { createValidationPipe } from './validation.pipe';
import { CalendarDateField, ChoiceField, CurrencyField, MinorUnitsField } from './value-fields';

// The shared field decorators through the app's own validation pipe: what they accept, how they
// normalize it, and the messages (naming the property) they answer with.

class Body {
  @TextField('required', { maxLength: 5 })
  name!: string;

  @MultilineTextField('absent', { maxLength: 20 })
  notes?: string;

  @DomainNameField('absent', { maxLength: 253, example: 'acme.example' })
  domain?: string;

  @EmailField('absent', { maxLength: 320 })
  email?: string;

  @TokenSubjectField('absent', { maxLength: 256 })
  ownerId?: string;

  @RecordIdField('absent', { description: 'The partner.', names: 'partner' })
  partnerId?: string;

  @MinorUnitsField('absent', { description: 'Value.', maximum: 1000 })
  valueMinor?: number;

  @CurrencyField('absent')
  currency?: string;

  @CalendarDateField('clearable', 'Due.')
  due?: string | null;

  @ChoiceField('absent', ['a', 'b'], { description: 'A choice.' })
  choice?: string;
}

class Query {
  @InstantQueryParam('From.')
  from?: Date;

  @PrefixQueryParam('Prefix.', 10)
  q?: string;

  @PageLimitQueryParam()
  limit?: number;

  @KeysetCursorQueryParam()
  cursor?: string;

  @ChoiceQueryParam(['open', 'closed'], 'Status.')
  status?: string;
}

async function run(metatype: new () => object, type: 'body' | 'query', value: object): Promise<Record<string, unknown> | FieldError[]> {
  try {
    return (await createValidationPipe().transform(value, { type, metatype })) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof DomainError) return [...(error.options.errors ?? [])];
    throw error;
  }
}

describe('shared request field decorators', () => {
  it('normalizes valid input: NFC trimmed text, lower-case domains and emails', async () => {
    const result = await run(Body, 'body', { name: 'Cafe\u0301', notes: 'a\tb\nc', domain: ' WWW.Acme.Example ', email: ' Ana@X.CO ', due: null });
    expect(result).toEqual(expect.objectContaining({ name: 'Caf\u00e9', notes: 'a\tb\nc', domain: 'www.acme.example', email: 'ana@x.co', due: null }));
  });

  it('bounds the input as sent: a value over maxLength is refused even if trimming or NFC would bring it under (Schemathesis found it)', async () => {
    expect(await run(Body, 'body', { name: '  abcde' })).toEqual([{ field: '/name', message: 'name must be shorter than or equal to 5 characters' }]);
    expect(await run(Body, 'body', { name: 'Cafe\u0301\u0301' })).toEqual([{ field: '/name', message: 'name must be shorter than or equal to 5 characters' }]);
    // Within the bound as sent, the value is trimmed and normalised as always.
    expect(await run(Body, 'body', { name: ' abc ' })).toEqual(expect.objectContaining({ name: 'abc' }));
    expect(await run(Body, 'body', { name: 'Cafe\u0301' })).toEqual(expect.objectContaining({ name: 'Caf\u00e9' }));
  });

  it('accepts every day that exists, the years 0000–0099 too (Schemathesis found 0098-03-06 refused)', async () => {
    for (const due of ['0098-03-06', '0000-02-29', '2024-02-29', '9999-12-31']) {
      expect(await run(Body, 'body', { name: 'x', due })).toEqual(expect.objectContaining({ due }));
    }
  });

  it('refuses invalid input with messages that name the property', async () => {
    const errors = await run(Body, 'body', {
      name: 'a\u0007b',
      notes: 'a\u0000b',
      domain: 'not a domain',
      ownerId: 'auth0 x',
      partnerId: 'ABC',
      valueMinor: 1.5,
      currency: 'XYZ',
      due: '2025-02-30',
      choice: 'c',
    });
    expect(errors).toEqual([
      { field: '/name', message: 'name must not contain control characters, bidirectional controls or invisible characters' },
      { field: '/notes', message: 'notes must not contain control characters other than tabs and line breaks, or bidirectional controls' },
      { field: '/domain', message: 'domain must be a domain name such as acme.example' },
      { field: '/ownerId', message: 'ownerId must be a token subject (no whitespace)' },
      { field: '/partnerId', message: 'partnerId must be a partner id (24 hex digits)' },
      { field: '/valueMinor', message: 'valueMinor must be an integer number' },
      { field: '/currency', message: 'currency must be an ISO 4217 code' },
      { field: '/due', message: 'due must be a calendar date' },
      { field: '/choice', message: 'choice must be one of the following values: a, b' },
    ]);
  });

  it('tells required, absent and clearable fields apart', async () => {
    expect(await run(Body, 'body', {})).toEqual([
      { field: '/name', message: 'name must be a string' },
      { field: '/name', message: 'name must be longer than or equal to 1 characters' },
      { field: '/name', message: 'name must not contain control characters, bidirectional controls or invisible characters' },
    ]);
    expect(await run(Body, 'body', { name: 'ok', notes: null })).toEqual([
      { field: '/notes', message: 'notes must be a string' },
      { field: '/notes', message: 'notes must be longer than or equal to 1 characters' },
      { field: '/notes', message: 'notes must not contain control characters other than tabs and line breaks, or bidirectional controls' },
    ]);
    expect(await run(Body, 'body', { name: 'ok', due: null })).toEqual(expect.objectContaining({ due: null }));
  });

  it('reports the checks of an email in format, length, type order', async () => {
    expect(await run(Body, 'body', { name: 'ok', email: 42 })).toEqual([
      { field: '/email', message: 'email must be an email' },
      { field: '/email', message: 'email must be shorter than or equal to 320 characters' },
      { field: '/email', message: 'email must be a string' },
    ]);
  });
});

describe('text bounds and characters', () => {
  it('bounds text in code points as sent: an astral emoji counts 1, a combining mark or variation selector counts too', async () => {
    expect(await run(Body, 'body', { name: '😀😀😀😀😀' })).toEqual(expect.objectContaining({ name: '😀😀😀😀😀' }));
    expect(await run(Body, 'body', { name: 'e\u0301e\u0301' })).toEqual(expect.objectContaining({ name: '\u00e9'.repeat(2) }));
    expect(await run(Body, 'body', { name: 'e\u0301e\u0301e\u0301' })).toEqual([{ field: '/name', message: 'name must be shorter than or equal to 5 characters' }]);
    expect(await run(Body, 'body', { name: '😀😀😀😀😀😀' })).toEqual([{ field: '/name', message: 'name must be shorter than or equal to 5 characters' }]);
    expect(await run(Body, 'body', { name: 'a\uFE0F\uFE0F\uFE0F\uFE0F\uFE0F' })).toEqual([{ field: '/name', message: 'name must be shorter than or equal to 5 characters' }]);
    expect(await run(Body, 'body', { name: 'ok', ownerId: '😀'.repeat(257) })).toEqual([{ field: '/ownerId', message: 'ownerId must be shorter than or equal to 256 characters' }]);
  });

  it('stores domains and email addresses in NFC too, so one address has one spelling', async () => {
    expect(await run(Body, 'body', { name: 'ok', email: 'Jose\u0301@x.co', domain: 'cafe\u0301.example' })).toEqual(
      expect.objectContaining({ email: 'jos\u00e9@x.co', domain: 'caf\u00e9.example' }),
    );
  });

  it.each(['a\u202Eb', 'a\u202Ab', 'a\u2066b', 'a\u2069b', 'a\u200Bb', 'a\u2060b', 'a\uFEFFb'])('refuses %j in one-line text', async (name) => {
    expect(await run(Body, 'body', { name })).toEqual([{ field: '/name', message: 'name must not contain control characters, bidirectional controls or invisible characters' }]);
  });

  // Unpaired surrogates are refused for the whole body before any field rule runs (json-body-shape.ts).
  it.each(['a\uD800b', 'a\uDC00'])('refuses %j in any body string', async (name) => {
    expect(await run(Body, 'body', { name })).toEqual([{ field: '/name', message: 'must be well-formed Unicode text (it holds an unpaired surrogate)' }]);
  });

  it('allows joiners, right-to-left scripts and marks; multi-line text also allows zero-width spaces but not bidi controls', async () => {
    for (const name of ['👩‍💻', 'שלום', 'می‌خو', 'a\u200Eb']) expect(await run(Body, 'body', { name })).toEqual(expect.objectContaining({ name }));
    expect(await run(Body, 'body', { name: 'ok', notes: 'a\u200Bb\nc' })).toEqual(expect.objectContaining({ notes: 'a\u200Bb\nc' }));
    expect(await run(Body, 'body', { name: 'ok', notes: 'a\u202Eb' })).toEqual([
      { field: '/notes', message: 'notes must not contain control characters other than tabs and line breaks, or bidirectional controls' },
    ]);
  });
});

describe('shared list query parameters', () => {
  it('turns dates and date-times into Dates, and page sizes into numbers', async () => {
    expect(await run(Query, 'query', { from: '2024-02-29', limit: '5', q: ' Cafe\u0301', cursor: 'abc_-DEF', status: 'open' })).toEqual(
      expect.objectContaining({ from: new Date('2024-02-29T00:00:00Z'), limit: 5, q: 'Caf\u00e9', cursor: 'abc_-DEF', status: 'open' }),
    );
    expect(await run(Query, 'query', { from: '2025-01-01T10:00:00.123+02:00' })).toEqual(expect.objectContaining({ from: new Date('2025-01-01T08:00:00.123Z') }));
  });

  it('refuses what is not a date, a size out of range, a foreign cursor and control characters', async () => {
    expect(await run(Query, 'query', { from: '2025-02-30', limit: '201', cursor: 'abc=', q: 'a\u0000' })).toEqual([
      { field: '/from', message: 'from must be an ISO 8601 date or date-time' },
      { field: '/q', message: 'q must not contain control characters, bidirectional controls or invisible characters' },
      { field: '/limit', message: 'limit must not be greater than 200' },
      { field: '/cursor', message: 'cursor must match /^[A-Za-z0-9_-]+$/ regular expression' },
    ]);
    expect(await run(Query, 'query', { limit: '0', status: 'gone' })).toEqual([
      { field: '/limit', message: 'limit must not be less than 1' },
      { field: '/status', message: 'status must be one of the following values: open, closed' },
    ]);
  });
});
