import { DomainError } from '../errors/domain-error';
import { canonicalJson, parseIdempotencyKey, requestHash } from './idempotency-request';

describe('idempotency request helpers', () => {
  describe('parseIdempotencyKey', () => {
    it.each(['a', 'a'.repeat(255), '8e0f6a1c-3d2b-4c59-9a7e-1f2d3c4b5a69', '!~"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}'])('accepts %p', (key) => {
      expect(parseIdempotencyKey(key)).toBe(key);
    });

    it.each([
      ['empty', ''],
      ['too long', 'a'.repeat(256)],
      ['a space', 'a b'],
      ['a tab', 'a\tb'],
      ['non-ASCII', 'cl\u00e9'],
      ['a control character', 'a\u0007'],
      ['a repeated header', ['a', 'b']],
    ])('refuses %s with a 400 naming the header', (_label, key) => {
      let thrown: unknown;
      try {
        parseIdempotencyKey(key);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(DomainError);
      expect((thrown as DomainError).code).toBe('validation_failed');
      expect((thrown as DomainError).options.errors).toEqual([{ field: '/Idempotency-Key', message: expect.any(String) }]);
    });
  });

  describe('canonicalJson', () => {
    it('sorts keys at every depth and keeps array order', () => {
      expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    });

    it('serialises undefined as null', () => {
      expect(canonicalJson(undefined)).toBe('null');
    });
  });

  describe('requestHash', () => {
    const base = { params: { id: 'A' }, query: {}, body: { name: 'x', tier: 'gold' } };

    it('is the same for the same request written with its keys in another order', () => {
      expect(requestHash(base)).toBe(requestHash({ params: { id: 'A' }, query: {}, body: { tier: 'gold', name: 'x' } }));
      expect(requestHash(base)).toMatch(/^[0-9a-f]{64}$/);
    });

    it('differs when the body, a path parameter or the query differs', () => {
      const hashes = [
        requestHash(base),
        requestHash({ ...base, body: { name: 'y', tier: 'gold' } }),
        requestHash({ ...base, params: { id: 'B' } }),
        requestHash({ ...base, query: { dryRun: 'true' } }),
      ];
      expect(new Set(hashes).size).toBe(hashes.length);
    });

    it('tells an absent body from an empty object', () => {
      expect(requestHash({ params: {}, query: {}, body: undefined })).not.toBe(requestHash({ params: {}, query: {}, body: {} }));
    });
  });
});
