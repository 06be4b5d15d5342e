import { ConfigurationError, loadConfig } from './app-config';

const BASE = { NODE_ENV: 'test' };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...BASE, ...env });
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('transport configuration', () => {
  it('defaults to no TLS, no trusted proxy and no CORS', () => {
    const config = loadConfig(BASE);
    expect(config.tls).toBeUndefined();
    expect(config.trustProxy).toBe(false);
    expect(config.corsOrigins).toEqual([]);
  });

  it('takes TLS_CERT_FILE and TLS_KEY_FILE together, never one alone', () => {
    expect(loadConfig({ ...BASE, TLS_CERT_FILE: '/etc/tls/cert.pem', TLS_KEY_FILE: '/etc/tls/key.pem' }).tls).toEqual({
      certFile: '/etc/tls/cert.pem',
      keyFile: '/etc/tls/key.pem',
    });
    expect(problemsOf({ TLS_CERT_FILE: '/etc/tls/cert.pem' })).toEqual(['TLS_CERT_FILE and TLS_KEY_FILE: set both or neither']);
    expect(problemsOf({ TLS_KEY_FILE: '/etc/tls/key.pem' })).toEqual(['TLS_CERT_FILE and TLS_KEY_FILE: set both or neither']);
  });

  it('takes TRUST_PROXY as a hop count 1..10 or a list of addresses and CIDR ranges', () => {
    expect(loadConfig({ ...BASE, TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ ...BASE, TRUST_PROXY: '10' }).trustProxy).toBe(10);
    expect(loadConfig({ ...BASE, TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,fd00::/8 , ::1' }).trustProxy).toEqual(['10.0.0.0/8', '192.168.1.7', 'fd00::/8', '::1']);
  });

  it.each([
    ['true', /blanket/],
    ['TRUE', /blanket/],
    ['*', /blanket/],
    ['0', /hop count must be 1 to 10/],
    ['11', /hop count must be 1 to 10/],
    ['-1', /not an IP address or CIDR range/],
    ['1.5', /not an IP address or CIDR range/],
    ['10.0.0.0/33', /not an IP address or CIDR range/],
    ['10.0.0.1,loopback', /"loopback"/],
    ['10.0.0.1,,10.0.0.2', /not an IP address/],
    ['0.0.0.0/0', /trusts every address/],
    ['::/0', /trusts every address/],
  ])('refuses TRUST_PROXY=%s', (value, message) => {
    const problems = problemsOf({ TRUST_PROXY: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^TRUST_PROXY: /);
    expect(problems[0]).toMatch(message);
  });

  it('takes CORS_ORIGINS as exact origins, de-duplicated', () => {
    expect(loadConfig({ ...BASE, CORS_ORIGINS: 'https://app.example.com, http://localhost:5173,https://app.example.com' }).corsOrigins).toEqual([
      'https://app.example.com',
      'http://localhost:5173',
    ]);
  });

  it.each([
    ['*', /"\*" is refused/],
    ['null', /"null" is refused/],
    ['https://app.example.com/', /exactly an origin.*https:\/\/app\.example\.com/],
    ['https://app.example.com/path', /exactly an origin/],
    ['https://App.Example.com', /exactly an origin.*https:\/\/app\.example\.com/],
    ['https://app.example.com:443', /exactly an origin/],
    ['app.example.com', /not a URL/],
    ['ftp://files.example.com', /must be http or https/],
  ])('refuses CORS_ORIGINS=%s', (value, message) => {
    const problems = problemsOf({ CORS_ORIGINS: `https://ok.example.com,${value}` });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^CORS_ORIGINS: /);
    expect(problems[0]).toMatch(message);
  });
});
