import { formatLabels, humanDuration, selectorString } from '../../../sandbox/cluster/apiserver/tables/format';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('humanDuration (apimachinery duration.HumanDuration)', () => {
  test.each([
    [-5 * S, '<invalid>'],
    [-1 * S, '0s'],
    [-999, '0s'],
    [0, '0s'],
    [5 * S, '5s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [3 * M + 2 * S, '3m2s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M + 30 * S, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [5 * H + 4 * M, '5h4m'],
    [8 * H + 30 * M, '8h'],
    [47 * H, '47h'],
    [2 * D + 5 * H, '2d5h'],
    [3 * D, '3d'],
    [8 * D, '8d'],
    [729 * D, '729d'],
    [730 * D, '2y'],
    [(2 * 365 + 30) * D, '2y30d'],
    [8 * 365 * D, '8y'],
  ])('%d ms -> %s', (ms, expected) => {
    expect(humanDuration(ms)).toBe(expected);
  });
});

describe('label formatting', () => {
  test('selectors sort by key and use Kubernetes syntax', () => {
    expect(selectorString({ matchLabels: { tier: 'fe', app: 'web' } })).toBe('app=web,tier=fe');
    expect(
      selectorString({
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['prod', 'dev'] },
          { key: 'canary', operator: 'DoesNotExist' },
          { key: 'zone', operator: 'NotIn', values: ['b'] },
          { key: 'app', operator: 'Exists' },
        ],
      }),
    ).toBe('app,!canary,env in (dev,prod),zone notin (b)');
    expect(selectorString(undefined)).toBe('');
  });
  test('formatLabels prints <none> for no labels', () => {
    expect(formatLabels({})).toBe('<none>');
    expect(formatLabels({ b: '2', a: '1' })).toBe('a=1,b=2');
  });
});
