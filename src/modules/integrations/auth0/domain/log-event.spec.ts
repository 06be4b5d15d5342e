import { readLogEvent, recordingOf, SIGNIN_ACTIONS } from './log-event';

describe('readLogEvent', () => {
  it('reads the Log Stream envelope: log_id outside, the event in data', () => {
    const item = {
      log_id: '900200001',
      data: {
        date: '2026-03-01T10:00:00.123Z',
        type: 's',
        organization_id: 'org_acme',
        user_id: 'auth0|u1',
        ip: '203.0.113.7',
        user_agent: 'Chrome 120.0.0 / Mac OS X 10.15.7',
        description: 'Successful login',
        details: { 'weird.key': 1, $also: true },
      },
    };
    expect(readLogEvent(item)).toEqual({
      logId: '900200001',
      type: 's',
      date: '2026-03-01T10:00:00.123Z',
      organizationId: 'org_acme',
      userId: 'auth0|u1',
      ip: '203.0.113.7',
      userAgent: 'Chrome 120.0.0 / Mac OS X 10.15.7',
      description: 'Successful login',
      raw: JSON.stringify(item),
    });
  });

  it('reads a flat event, with org_id or a top-level organization_id', () => {
    expect(readLogEvent({ log_id: 'a1', type: 'fp', org_id: 'org_x' })).toMatchObject({ logId: 'a1', type: 'fp', organizationId: 'org_x' });
    expect(readLogEvent({ log_id: 'a2', organization_id: 'org_y', data: { type: 'f' } })).toMatchObject({ organizationId: 'org_y' });
    expect(readLogEvent({ data: { log_id: 'a3', type: 'f' } })).toMatchObject({ logId: 'a3' });
  });

  it('leaves out what is absent, empty or of the wrong type, and a date it cannot read', () => {
    const event = readLogEvent({ log_id: 'a4', data: { type: 'fu', user_id: '', ip: 7, date: 'yesterday' } });
    expect(event).toEqual({ logId: 'a4', type: 'fu', raw: expect.any(String) });
  });

  it('says why an item is not a usable event', () => {
    expect(readLogEvent([])).toBe('is not a JSON object');
    expect(readLogEvent('s')).toBe('is not a JSON object');
    expect(readLogEvent({ data: { type: 's' } })).toMatch(/^log_id/);
    expect(readLogEvent({ log_id: 'has space', data: { type: 's' } })).toMatch(/^log_id/);
    expect(readLogEvent({ log_id: 'x', data: {} })).toMatch(/^type/);
    expect(readLogEvent({ log_id: 'x', data: { type: 'S; drop' } })).toMatch(/^type/);
  });
});

describe('recordingOf', () => {
  it('records Auth0 logins as auth.login.success and failed logins as auth.login.failure', () => {
    for (const type of ['s', 'scoa', 'sens']) expect(recordingOf(type)).toEqual({ action: SIGNIN_ACTIONS.success, result: 'success' });
    for (const type of ['f', 'fp', 'fu', 'fc', 'fco', 'fcoa', 'fens']) expect(recordingOf(type)).toEqual({ action: SIGNIN_ACTIONS.failure, result: 'denied' });
  });

  it('records every other failure type under its own name, and skips other successes', () => {
    expect(recordingOf('fs')).toEqual({ action: 'auth0.fs', result: 'denied' });
    expect(recordingOf('feacft')).toEqual({ action: 'auth0.feacft', result: 'denied' });
    expect(recordingOf('seacft')).toBeUndefined();
    expect(recordingOf('slo')).toBeUndefined();
    expect(recordingOf('sapi')).toBeUndefined();
  });
});
