import { presentField } from './present-field';

describe('presentField', () => {
  it('copies a stored value, falsy ones included, and leaves missing or null ones absent', () => {
    const doc: { a?: string | null; b?: number; c?: string } = { a: null, b: 0, c: 'x' };
    expect(presentField(doc, 'a')).toEqual({});
    expect(presentField(doc, 'b')).toEqual({ b: 0 });
    expect(presentField(doc, 'c')).toEqual({ c: 'x' });
    expect('a' in { ...presentField(doc, 'a') }).toBe(false);
    expect(presentField({} as { d?: Date }, 'd')).toEqual({});
  });
});
