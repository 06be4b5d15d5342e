import { jsonBodyBoundErrors, jsonBodyShapeErrors, refusedKeyReason } from './json-body-shape';

describe('the shape of a parsed JSON body', () => {
  const nested = (depth: number): unknown => (depth === 0 ? 1 : { a: nested(depth - 1) });

  it('accepts ordinary objects', () => {
    for (const body of [{}, { name: 'x', contact: { email: 'a@b.c' }, grants: ['leads:read'], n: null }]) {
      expect(jsonBodyShapeErrors(body)).toEqual([]);
      expect(jsonBodyBoundErrors(body)).toEqual([]);
    }
  });

  it.each([[[]], [[{}]], ['x'], [1], [null], [true]])('refuses a top-level %j', (body) => {
    expect(jsonBodyShapeErrors(body)).toEqual([{ field: '', message: 'the request body must be a JSON object' }]);
  });

  it('bounds depth: the top-level value is level 1', () => {
    expect(jsonBodyBoundErrors(nested(19), { maxDepth: 20, maxArrayItems: 10 })).toEqual([]);
    expect(jsonBodyBoundErrors(nested(20), { maxDepth: 20, maxArrayItems: 10 })).toEqual([]);
    expect(jsonBodyBoundErrors([[[1]]], { maxDepth: 2, maxArrayItems: 10 })).toEqual([{ field: '/0/0', message: 'nests deeper than 2 levels' }]);
    const errors = jsonBodyBoundErrors({ b: nested(20) }, { maxDepth: 20, maxArrayItems: 10 });
    expect(errors).toEqual([{ field: `/b${'/a'.repeat(19)}`, message: 'nests deeper than 20 levels' }]);
  });

  it('walks a very deep body without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(jsonBodyBoundErrors({ deep })).toHaveLength(1);
    let keys: unknown = 1;
    for (let i = 0; i < 200_000; i++) keys = { a: keys };
    expect(jsonBodyShapeErrors(keys)).toEqual([]);
  });

  it('bounds every array, at any depth', () => {
    const limits = { maxDepth: 20, maxArrayItems: 3 };
    expect(jsonBodyBoundErrors({ a: [1, 2, 3] }, limits)).toEqual([]);
    expect(jsonBodyBoundErrors({ a: [1, 2, 3, 4], b: { c: [[1, 2, 3, 4]] } }, limits)).toEqual([
      { field: '/a', message: 'must not have more than 3 items' },
      { field: '/b/c/0', message: 'must not have more than 3 items' },
    ]);
  });

  it('refuses operator, path and prototype keys anywhere, as JSON Pointers', () => {
    const body = JSON.parse('{"ok":1,"$where":"x","a":{"b.c":1,"__proto__":{"x":1}},"l":[{"$gt":""}],"constructor":{},"p/~":{"prototype":1}}') as unknown;
    expect(jsonBodyShapeErrors(body)).toEqual([
      { field: '/$where', message: 'field name must not start with $' },
      { field: '/a/b.c', message: 'field name must not contain a dot' },
      { field: '/a/__proto__', message: 'field name is a reserved name' },
      { field: '/l/0/$gt', message: 'field name must not start with $' },
      { field: '/constructor', message: 'field name is a reserved name' },
      { field: '/p~1~0/prototype', message: 'field name is a reserved name' },
    ]);
  });

  it('refuses unpaired surrogates in values and keys, at any depth; accepts paired ones (emoji)', () => {
    const body = JSON.parse('{"email":"\\ud800","ok":"\\ud83d\\ude00","a":{"l":["x","y\\udfff"]},"k\\ud800":1}') as unknown;
    expect(jsonBodyShapeErrors(body)).toEqual([
      { field: '/email', message: 'must be well-formed Unicode text (it holds an unpaired surrogate)' },
      { field: '/a/l/1', message: 'must be well-formed Unicode text (it holds an unpaired surrogate)' },
      { field: '/k\ud800', message: 'field name must be well-formed Unicode text (it holds an unpaired surrogate)' },
    ]);
  });

  it('accepts $ and dots inside values, and keys that merely contain $', () => {
    expect(jsonBodyShapeErrors({ name: '$ne', domain: 'a.b.example', price$: 1 })).toEqual([]);
    expect(refusedKeyReason('a$')).toBeUndefined();
  });

  it('reports at most 20 problems', () => {
    const body = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`$k${i}`, 1]));
    expect(jsonBodyShapeErrors(body)).toHaveLength(20);
  });
});
