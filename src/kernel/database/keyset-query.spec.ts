import { trusted } from 'mongoose';
import { keysetAfter, keysetSortSpec } from './keyset-query';

const PATHS = { createdAt: 'createdAt', name: 'nameKey' } as const;
const ID = '65f0a1b2c3d4e5f6a7b8c9d0';

describe('keyset query', () => {
  it('sorts by the stored key, then _id, in the same direction', () => {
    expect(keysetSortSpec({ field: 'name', direction: 1 }, PATHS)).toEqual({ nameKey: 1, _id: 1 });
    expect(Object.keys(keysetSortSpec({ field: 'name', direction: 1 }, PATHS))).toEqual(['nameKey', '_id']);
    expect(keysetSortSpec({ field: 'createdAt', direction: -1 }, PATHS)).toEqual({ createdAt: -1, _id: -1 });
  });

  // Operators built here are marked trusted(), so the connection's sanitizeFilter leaves them be.
  it('resumes strictly after (key, id): beyond the key, or on the same key beyond the id', () => {
    expect(keysetAfter({ field: 'name', direction: 1 }, PATHS, { value: 'acme', id: ID })).toEqual({
      $or: [{ nameKey: trusted({ $gt: 'acme' }) }, { nameKey: { $eq: 'acme' }, _id: trusted({ $gt: ID }) }],
    });
    const at = new Date(5);
    expect(keysetAfter({ field: 'createdAt', direction: -1 }, PATHS, { value: at, id: ID })).toEqual({
      $or: [{ createdAt: trusted({ $lt: at }) }, { createdAt: { $eq: at }, _id: trusted({ $lt: ID }) }],
    });
  });
});
