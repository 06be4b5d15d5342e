import fc from 'fast-check';
import { plainJson } from './audit-event';

// plainJson must be exactly JSON.parse(JSON.stringify(x)) (plus lone surrogates replaced): the
// stored event and its hash are computed from what it returns.
const roundTrip = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value), (_key, v: unknown) => (typeof v === 'string' ? v.toWellFormed() : v));

describe('plainJson', () => {
  it('equals the JSON round trip for any value an event may carry', () => {
    const leaf = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.date({ noInvalidDate: true }),
    );
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node')), fc.dictionary(fc.string(), tie('node'))),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(fc.string(), tree), (value) => {
        expect(plainJson(value)).toStrictEqual(roundTrip(value));
      }),
      { numRuns: 500, ...(process.env.FC_SEED === undefined ? {} : { seed: Number(process.env.FC_SEED) }) },
    );
  });

  it('keeps a member named __proto__ as a member (JSON.parse does), without touching the prototype', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const plain = plainJson(value) as Record<string, unknown>;
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
    expect(Object.keys(plain)).toEqual(['__proto__', 'a']);
    expect((plain as { polluted?: unknown }).polluted).toBeUndefined();
    expect(plain).toStrictEqual(roundTrip(value));
  });

  it('drops undefined members, turns undefined array items and non-finite numbers into null, dates into strings, lone surrogates into U+FFFD', () => {
    expect(plainJson({ a: undefined, b: [undefined, NaN, Infinity], c: new Date('2026-01-02T03:04:05.000Z'), d: 'x\uD800y' })).toStrictEqual({
      b: [null, null, null],
      c: '2026-01-02T03:04:05.000Z',
      d: 'x\uFFFDy',
    });
  });
});
