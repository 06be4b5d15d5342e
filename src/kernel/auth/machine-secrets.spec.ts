import { authorizationCarriesSecret } from './machine-secrets';

const SECRET = 'k3y-0f-at-least-thirty-two-characters!';

describe('authorizationCarriesSecret', () => {
  it('accepts the secret as is or after Bearer (any case, extra spaces)', () => {
    expect(authorizationCarriesSecret(SECRET, SECRET)).toBe(true);
    expect(authorizationCarriesSecret(`Bearer ${SECRET}`, SECRET)).toBe(true);
    expect(authorizationCarriesSecret(`bearer  ${SECRET}`, SECRET)).toBe(true);
  });

  it('refuses anything else, whatever its length', () => {
    expect(authorizationCarriesSecret('', SECRET)).toBe(false);
    expect(authorizationCarriesSecret(SECRET.slice(0, -1), SECRET)).toBe(false);
    expect(authorizationCarriesSecret(`${SECRET}x`, SECRET)).toBe(false);
    expect(authorizationCarriesSecret(`Basic ${SECRET}`, SECRET)).toBe(false);
    expect(authorizationCarriesSecret(`Bearer ${SECRET.toUpperCase()}`, SECRET)).toBe(false);
    expect(authorizationCarriesSecret('Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln', SECRET)).toBe(false);
  });
});
