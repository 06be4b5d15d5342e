import { isIP } from 'node:net';

/**
 * Transport settings read from the environment (TLS_CERT_FILE / TLS_KEY_FILE, TRUST_PROXY,
 * CORS_ORIGINS). Pure parsing; app-config.ts collects the problems with every other one.
 */

/** Express 'trust proxy': false, a hop count, or the addresses / CIDR ranges of the proxies. */
export type TrustProxy = false | number | readonly string[];

export const MAX_TRUSTED_HOPS = 10;

type Parsed<T> = { value: T; problem?: undefined } | { value?: undefined; problem: string };

function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * A hop count 1..10 (the right-most N X-Forwarded-For entries are proxies) or a comma-separated
 * list of proxy addresses / CIDR ranges. Never a blanket "trust everyone": "true", "*", "0.0.0.0/0"
 * and "::/0" would let any client choose its own IP address and protocol.
 */
export function parseTrustProxy(raw: string | undefined): Parsed<TrustProxy> {
  if (raw === undefined || raw.trim() === '') return { value: false };
  const text = raw.trim();
  if (/^(true|\*|yes|on|all)$/i.test(text)) {
    return { problem: 'TRUST_PROXY: a blanket "trust every proxy" is refused; give a hop count (1 to 10) or the proxies\' addresses / CIDR ranges' };
  }
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return hops >= 1 && hops <= MAX_TRUSTED_HOPS
      ? { value: hops }
      : { problem: `TRUST_PROXY: a hop count must be 1 to ${MAX_TRUSTED_HOPS}` };
  }
  const entries = text.split(',').map((e) => e.trim());
  const invalid = entries.filter((e) => !isAddressOrCidr(e));
  if (invalid.length > 0) {
    return { problem: `TRUST_PROXY: not an IP address or CIDR range: ${invalid.map((e) => JSON.stringify(e)).join(', ')}` };
  }
  const everyone = entries.filter((e) => /^(0\.0\.0\.0|::)\/0$/.test(e));
  if (everyone.length > 0) return { problem: `TRUST_PROXY: ${everyone.join(', ')} trusts every address; list the proxies' own ranges` };
  return { value: entries };
}

/** A browser origin exactly as the Origin header carries it: scheme://host[:port], nothing else. */
function originProblem(entry: string): string | undefined {
  if (!URL.canParse(entry)) return 'not a URL';
  const url = new URL(entry);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be http or https';
  if (url.origin !== entry) return `must be exactly an origin (scheme://host[:port], no path, no trailing "/", lower case), e.g. ${url.origin}`;
  return undefined;
}

/** Comma-separated exact origins; unset or empty: no CORS at all. "*" is refused. */
export function parseCorsOrigins(raw: string | undefined): Parsed<readonly string[]> {
  if (raw === undefined || raw.trim() === '') return { value: [] };
  const entries = raw.split(',').map((e) => e.trim()).filter((e) => e !== '');
  const problems = entries.flatMap((entry) => {
    if (entry === '*' || entry === 'null') return [`${JSON.stringify(entry)} is refused: list the exact origins`];
    const problem = originProblem(entry);
    return problem ? [`${JSON.stringify(entry)} ${problem}`] : [];
  });
  if (problems.length > 0) return { problem: `CORS_ORIGINS: ${problems.join('; ')}` };
  return { value: [...new Set(entries)] };
}
