import { revisionUpdate } from './revision-update';

describe('revisionUpdate', () => {
  it('sets the revision and every given value, and unsets what is null', () => {
    expect(revisionUpdate(4, { name: 'Acme', region: null, tier: 'gold' })).toEqual({
      $set: { revision: 4, name: 'Acme', tier: 'gold' },
      $unset: { region: '' },
    });
  });

  it('has no $unset when nothing is cleared', () => {
    const update = revisionUpdate(2, { name: 'Acme' });
    expect(update).toEqual({ $set: { revision: 2, name: 'Acme' } });
    expect('$unset' in update).toBe(false);
  });

  it('sets derived fields beside the changes', () => {
    expect(revisionUpdate(3, { name: 'Ácme' }, { nameKey: 'ácme' })).toEqual({ $set: { revision: 3, name: 'Ácme', nameKey: 'ácme' } });
  });
});
