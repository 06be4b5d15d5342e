import { assertSupportedRuntime } from './runtime';

describe('assertSupportedRuntime', () => {
  it.each(['20.20.2', '22.12.0', '23.11.1'])('refuses Node.js %s', (version) => {
    expect(() => assertSupportedRuntime(version)).toThrow(/Node\.js 24 or newer is required/);
  });

  it.each(['24.0.0', '24.21.0', '26.1.0'])('accepts Node.js %s', (version) => {
    expect(() => assertSupportedRuntime(version)).not.toThrow();
  });

  it('is the runtime these tests run on', () => {
    expect(() => assertSupportedRuntime(process.versions.node)).not.toThrow();
  });
});
