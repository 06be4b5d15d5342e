import { ConfigurationError, loadConfig } from './app-config';

// JSON_MAX_DEPTH and JSON_MAX_ARRAY_ITEMS (docs/security.md, "Hostile input").
describe('JSON body bounds configuration', () => {
  const base = { NODE_ENV: 'test' };

  it('defaults to depth 20 and 1000 items per array', () => {
    expect(loadConfig(base).jsonBody).toEqual({ maxDepth: 20, maxArrayItems: 1000 });
  });

  it('takes both from the environment', () => {
    expect(loadConfig({ ...base, JSON_MAX_DEPTH: '8', JSON_MAX_ARRAY_ITEMS: '50' }).jsonBody).toEqual({ maxDepth: 8, maxArrayItems: 50 });
  });

  it.each([
    ['JSON_MAX_DEPTH', '1'],
    ['JSON_MAX_DEPTH', '101'],
    ['JSON_MAX_DEPTH', 'deep'],
    ['JSON_MAX_ARRAY_ITEMS', '0'],
    ['JSON_MAX_ARRAY_ITEMS', '100001'],
    ['JSON_MAX_ARRAY_ITEMS', '1.5'],
  ])('refuses %s=%s at start-up', (name, value) => {
    let problems: string[] = [];
    try {
      loadConfig({ ...base, [name]: value });
    } catch (error) {
      if (error instanceof ConfigurationError) problems = error.problems;
    }
    expect(problems.some((p) => p.startsWith(name))).toBe(true);
  });
});
