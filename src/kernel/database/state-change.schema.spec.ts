import mongoose, { Schema } from 'mongoose';
import { stateChangeSchema, toStateChange } from './state-change.schema';

describe('state-change records', () => {
  it('maps a stored entry to the domain, leaving empty from and reason out', () => {
    const at = new Date(9);
    expect(toStateChange({ to: 'submitted', by: 'u1', at })).toEqual({ to: 'submitted', by: 'u1', at });
    expect(Object.keys(toStateChange({ from: '' as 'a', to: 'b', by: 'u1', at, reason: '' }))).toEqual(['to', 'by', 'at']);
    expect(toStateChange({ from: 'a', to: 'b', by: 'u1', at, reason: 'why' })).toEqual({ from: 'a', to: 'b', by: 'u1', at, reason: 'why' });
  });

  it('validates states, required fields and lengths, and refuses unknown fields', async () => {
    const history = stateChangeSchema(['open', 'closed'], { by: 5, reason: 3 });
    const Holder = mongoose.model('StateChangeSchemaSpec', new Schema({ history: { type: [history] } }));
    const at = new Date(1);
    await expect(new Holder({ history: [{ to: 'open', by: 'u1', at }, { from: 'open', to: 'closed', by: 'u1', at, reason: 'won' }] }).validate()).resolves.toBeUndefined();
    // Bounds are code points; the stored check allows two UTF-16 units for each (an astral character).
    await expect(new Holder({ history: [{ to: 'open', by: '😀😀😀😀😀', at, reason: '😀😀😀' }] }).validate()).resolves.toBeUndefined();
    const invalid = await new Holder({ history: [{ from: 'gone', to: 'open', by: 'someone-else', at, reason: 'far too long' }, { by: 'u1' }] }).validate().catch((error: unknown) => error);
    expect(Object.keys((invalid as mongoose.Error.ValidationError).errors).sort()).toEqual([
      'history.0.by',
      'history.0.from',
      'history.0.reason',
      'history.1.at',
      'history.1.to',
    ]);
    await expect(new Holder({ history: [{ to: 'open', by: 'u1', at, extra: 1 }] }).validate()).rejects.toThrow('StrictModeError');
  });
});
