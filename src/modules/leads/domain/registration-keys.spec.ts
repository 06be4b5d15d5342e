import { FREE_MAIL_DOMAINS, isFreeMailDomain, registrableDomainOf, registrationKeysOf } from './registration-keys';

const keys = (companyDomain: string, contactEmail: string): string[] => registrationKeysOf({ companyDomain, contactEmail }).map((k) => k.key);

describe('registration keys', () => {
  it.each([
    ['acme.co.uk', 'acme.co.uk'],
    ['www.acme.co.uk', 'acme.co.uk'],
    ['WWW.Acme.CO.UK', 'acme.co.uk'],
    ['shop.eu.acme.com', 'acme.com'],
    ['acme.com.', 'acme.com'],
    ['bücher.de', 'xn--bcher-kva.de'],
    ['xn--bcher-kva.de', 'xn--bcher-kva.de'],
    // Private suffixes count: two GitHub Pages sites are two prospects.
    ['foo.github.io', 'foo.github.io'],
  ])('takes the registrable domain of %s: %s', (host, expected) => {
    expect(registrableDomainOf(host)).toBe(expected);
  });

  it.each(['co.uk', 'com', 'localhost', '192.168.0.1', ''])('has no registrable domain for %p', (host) => {
    expect(registrableDomainOf(host)).toBeUndefined();
  });

  it('claims the company domain, the mailbox domain and the address, sorted, without duplicates', () => {
    expect(keys('www.acme.co.uk', 'Jane.Doe@Sales.ACME.co.uk')).toEqual(['domain:acme.co.uk', 'email:jane.doe@sales.acme.co.uk']);
    expect(keys('acme.com', 'jane@acme-consulting.com')).toEqual(['domain:acme-consulting.com', 'domain:acme.com', 'email:jane@acme-consulting.com']);
  });

  it('ignores free-mail domains but still claims the exact address', () => {
    expect(keys('acme.com', 'someone@gmail.com')).toEqual(['domain:acme.com', 'email:someone@gmail.com']);
    expect(keys('gmail.com', 'someone@GMAIL.com')).toEqual(['email:someone@gmail.com']);
    expect(keys('mail.yahoo.com', 'x@yahoo.com')).toEqual(['email:x@yahoo.com']);
  });

  it('ships the common free-mail providers', () => {
    for (const domain of ['gmail.com', 'googlemail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'live.com', 'icloud.com', 'aol.com', 'proton.me', 'protonmail.com', 'gmx.com', 'mail.com', 'yandex.com', 'zoho.com']) {
      expect(isFreeMailDomain(domain)).toBe(true);
    }
    expect(isFreeMailDomain('acme.com')).toBe(false);
    expect(FREE_MAIL_DOMAINS.size).toBeGreaterThanOrEqual(14);
  });

  it('names the field each key came from', () => {
    expect(registrationKeysOf({ companyDomain: 'acme.com', contactEmail: 'j@other.org' })).toEqual([
      { key: 'domain:acme.com', field: '/companyDomain' },
      { key: 'domain:other.org', field: '/contact/email' },
      { key: 'email:j@other.org', field: '/contact/email' },
    ]);
  });
});
