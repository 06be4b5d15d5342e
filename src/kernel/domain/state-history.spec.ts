import { appendCappedHistory } from './state-history';

describe('appendCappedHistory', () => {
  it('appends while the history is below the limit, leaving the input alone', () => {
    const history = [1, 2];
    expect(appendCappedHistory(history, 3, 5)).toEqual([1, 2, 3]);
    expect(history).toEqual([1, 2]);
  });

  it('at the limit keeps the first entry and the latest ones', () => {
    expect(appendCappedHistory([1, 2, 3, 4], 5, 4)).toEqual([1, 3, 4, 5]);
    let history: number[] = [0];
    for (let n = 1; n <= 10; n++) history = appendCappedHistory(history, n, 3);
    expect(history).toEqual([0, 9, 10]);
  });
});
