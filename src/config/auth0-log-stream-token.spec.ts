import { ConfigurationError, loadConfig } from './app-config';

const base = { NODE_ENV: 'test' };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  return [];
}

describe('AUTH0_LOG_STREAM_TOKEN', () => {
  it('is optional: unset or empty leaves the ingestion off', () => {
    expect(loadConfig(base).auth0LogStreamToken).toBeUndefined();
    expect(loadConfig({ ...base, AUTH0_LOG_STREAM_TOKEN: '' }).auth0LogStreamToken).toBeUndefined();
  });

  it('is taken as given when it has at least 32 visible characters', () => {
    const token = 'x'.repeat(31) + '!';
    expect(loadConfig({ ...base, AUTH0_LOG_STREAM_TOKEN: token }).auth0LogStreamToken).toBe(token);
  });

  it('refuses a short secret, and one with spaces or control characters', () => {
    expect(problemsOf({ ...base, AUTH0_LOG_STREAM_TOKEN: 'short' })).toEqual(['AUTH0_LOG_STREAM_TOKEN: must be at least 32 characters']);
    expect(problemsOf({ ...base, AUTH0_LOG_STREAM_TOKEN: `${'a'.repeat(20)} ${'b'.repeat(20)}` })).toEqual([
      'AUTH0_LOG_STREAM_TOKEN: visible ASCII characters only (it travels in an HTTP header)',
    ]);
  });
});
