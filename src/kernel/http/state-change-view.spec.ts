import { toStateChangeView } from './state-change-view';

describe('toStateChangeView', () => {
  it('shows the instant in ISO 8601 and leaves an absent from or reason out of the JSON', () => {
    const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6));
    expect(JSON.stringify(toStateChangeView({ to: 'open', by: 'auth0|x', at }))).toBe('{"to":"open","by":"auth0|x","at":"2026-01-02T03:04:05.006Z"}');
    expect(toStateChangeView({ from: 'open', to: 'closed', by: 'job:x', at, reason: 'why' })).toEqual({
      from: 'open',
      to: 'closed',
      by: 'job:x',
      at: '2026-01-02T03:04:05.006Z',
      reason: 'why',
    });
  });
});
