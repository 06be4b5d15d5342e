import { request } from 'node:http';

export interface RawReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Record<string, unknown>;
}

/**
 * One HTTP request from a chosen loopback source address (127.0.0.0/8 is all loopback on Linux),
 * so a test can play several clients with distinct IPs against an app listening on 127.0.0.1.
 */
export function requestFrom(from: string, url: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, localAddress: from, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {} }));
    });
    req.once('error', reject);
    req.end();
  });
}

/** Requests one after another (each waits for the previous answer), as a well-behaved client sends them. */
export async function inSequence<T>(count: number, send: (i: number) => Promise<T>): Promise<T[]> {
  const replies: T[] = [];
  for (let i = 0; i < count; i++) replies.push(await send(i));
  return replies;
}
