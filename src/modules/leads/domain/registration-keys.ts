import { domainToASCII } from 'node:url';
import { getDomain } from 'tldts';

/**
 * Mailbox providers whose domain says nothing about the prospect's company: they never make two
 * registrations conflict by domain (the exact same address still does).
 */
export const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.uk',
  'ymail.com',
  'outlook.com',
  'hotmail.com',
  'hotmail.co.uk',
  'live.com',
  'msn.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'pm.me',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'web.de',
  'mail.com',
  'yandex.com',
  'yandex.ru',
  'mail.ru',
  'zoho.com',
  'qq.com',
  '163.com',
  'fastmail.com',
  'tutanota.com',
]);

/**
 * The registrable domain (eTLD+1, Public Suffix List including private suffixes) of a host name,
 * in lowercase ASCII: `www.acme.co.uk` and `ACME.co.uk` both give `acme.co.uk`, `shop.acme.github.io`
 * gives `acme.github.io`. Undefined for a public suffix itself, an IP address or a malformed name.
 */
export function registrableDomainOf(host: string): string | undefined {
  const ascii = domainToASCII(host.trim().replace(/\.$/, '').toLowerCase());
  if (!ascii) return undefined;
  return getDomain(ascii, { allowPrivateDomains: true }) ?? undefined;
}

export function isFreeMailDomain(registrableDomain: string): boolean {
  return FREE_MAIL_DOMAINS.has(registrableDomain);
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A key a registration claims, with the request field it came from (for error messages). */
export interface RegistrationKey {
  readonly key: string;
  readonly field: '/companyDomain' | '/contact/email';
}

/**
 * The keys a registration claims in its tenant: its company's registrable domain and that of its
 * contact's mailbox (free-mail providers left out), and the contact's address itself. Sorted by
 * key, so concurrent registrations claim shared keys in the same order and one of them wins.
 */
export function registrationKeysOf(input: { readonly companyDomain: string; readonly contactEmail: string }): RegistrationKey[] {
  const keys = new Map<string, RegistrationKey['field']>();
  const email = normalizeEmail(input.contactEmail);
  const mailbox = email.slice(email.lastIndexOf('@') + 1);
  const sources: [string, RegistrationKey['field']][] = [
    [input.companyDomain, '/companyDomain'],
    [mailbox, '/contact/email'],
  ];
  for (const [host, field] of sources) {
    const domain = registrableDomainOf(host);
    const key = `domain:${domain}`;
    if (domain !== undefined && !isFreeMailDomain(domain) && !keys.has(key)) keys.set(key, field);
  }
  keys.set(`email:${email}`, '/contact/email');
  return [...keys.entries()].map(([key, field]) => ({ key, field })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
