import { isObjectIdHex } from './object-id';

describe('isObjectIdHex', () => {
  it('accepts 24 lowercase hex digits only', () => {
    expect(isObjectIdHex('65f0a1b2c3d4e5f6a7b8c9d0')).toBe(true);
    expect(isObjectIdHex('65F0A1B2C3D4E5F6A7B8C9D0')).toBe(false);
    expect(isObjectIdHex('65f0a1b2c3d4e5f6a7b8c9d')).toBe(false);
    expect(isObjectIdHex('65f0a1b2c3d4e5f6a7b8c9d0\n')).toBe(false);
    expect(isObjectIdHex('{"$gt":""}')).toBe(false);
  });
});
