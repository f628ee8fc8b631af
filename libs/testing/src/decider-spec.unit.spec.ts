import { describe, expect, it } from 'vitest';
import { deciderSpec } from './decider-spec';

// A counter that refuses to go past 2: just enough decider to prove the spec fails when it should.
class TooHigh extends Error {}
type Event = { added: number };
const given = deciderSpec<number, { add: number }, Event>({
  initialState: () => 0,
  evolve: (total, e) => total + e.added,
  decide: (total, c) => {
    if (total + c.add > 2) throw new TooHigh(`${total + c.add} is past 2`);
    return c.add === 0 ? [] : [{ added: c.add }];
  },
});

describe('deciderSpec', () => {
  it('folds the given events before deciding', () => {
    given([{ added: 1 }])
      .when({ add: 1 })
      .then([{ added: 1 }]);
    given([{ added: 1 }, { added: 1 }])
      .when({ add: 1 })
      .thenThrows(TooHigh, /3 is past 2/);
  });

  it('then fails on other events, and on a refusal', () => {
    expect(() =>
      given([])
        .when({ add: 1 })
        .then([{ added: 2 }]),
    ).toThrow();
    expect(() => given([]).when({ add: 1 }).then([])).toThrow();
    expect(() =>
      given([{ added: 2 }])
        .when({ add: 1 })
        .then([]),
    ).toThrow(TooHigh);
  });

  it('thenThrows fails when nothing is refused, on another error class, and on another message', () => {
    expect(() => given([]).when({ add: 0 }).thenThrows(TooHigh)).toThrow(/not refused/);
    expect(() =>
      given([{ added: 2 }])
        .when({ add: 1 })
        .thenThrows(RangeError),
    ).toThrow();
    expect(() =>
      given([{ added: 2 }])
        .when({ add: 1 })
        .thenThrows(TooHigh, /is past 3/),
    ).toThrow();
  });
});
