import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureVersion } from 'node:tls';

/**
 * TLS 1.3 with OpenSSL's default suites, and for TLS 1.2 only forward-secret key exchange
 * (ECDHE) with an AEAD cipher (AES-GCM, ChaCha20-Poly1305), strongest first: no CBC, no static
 * RSA key exchange, no SHA-1 MACs. Node takes both lists from `ciphers`; without the TLS 1.3
 * names it would switch TLS 1.3 off.
 */
export const TLS13_CIPHER_SUITES = ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256'];
export const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
];

function read(name: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Error(`${name}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
  }
}

/** What Nest hands to https.createServer as it is (its HttpsOptions type lacks minVersion). */
export interface TlsServerOptions {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly minVersion: SecureVersion;
  readonly ciphers: string;
  readonly honorCipherOrder: boolean;
}

/** The HTTPS server's options from TLS_CERT_FILE / TLS_KEY_FILE; a wrong pair stops start-up here. */
export function httpsServerOptions(tls: { readonly certFile: string; readonly keyFile: string }): TlsServerOptions {
  const options: TlsServerOptions = {
    cert: read('TLS_CERT_FILE', tls.certFile),
    key: read('TLS_KEY_FILE', tls.keyFile),
    minVersion: 'TLSv1.2',
    ciphers: [...TLS13_CIPHER_SUITES, ...TLS12_CIPHERS].join(':'),
    honorCipherOrder: true,
  };
  try {
    createSecureContext(options);
  } catch (error) {
    throw new Error(`TLS_CERT_FILE / TLS_KEY_FILE: not a usable certificate and private key pair (${(error as Error).message})`, { cause: error });
  }
  return options;
}
