import { withoutUndefined } from './without-undefined';

describe('withoutUndefined', () => {
  it('drops undefined keys and keeps null (which clears) and falsy values', () => {
    const result = withoutUndefined({ a: undefined, b: null, c: 0, d: '', e: false });
    expect(result).toEqual({ b: null, c: 0, d: '', e: false });
    expect(Object.keys(result)).toEqual(['b', 'c', 'd', 'e']);
  });
});
