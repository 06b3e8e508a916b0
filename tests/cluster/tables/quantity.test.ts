import { canonicalQuantity } from '../../../sandbox/cluster/apiserver/tables';

describe('canonicalQuantity (resource.Quantity.String())', () => {
  test.each([
    ['0', '0'], ['0Mi', '0'], ['0.0', '0'],
    ['1', '1'], ['512', '512'], ['1000', '1k'], ['1500', '1500'], ['2000000', '2M'],
    ['0.5', '500m'], ['0.25', '250m'], ['1000m', '1'], ['1500m', '1500m'], ['100m', '100m'], ['0.1m', '100u'],
    ['0.0000000001', '1n'], ['1.5', '1500m'], ['-0.5', '-500m'],
    ['128Mi', '128Mi'], ['1024Mi', '1Gi'], ['1000Mi', '1000Mi'], ['1.5Gi', '1536Mi'], ['0.5Gi', '512Mi'], ['2048Ki', '2Mi'],
    ['0.5Ki', '512'], ['1Ki', '1Ki'], ['1023', '1023'], ['0.1Ki', '102400m'],
    ['1k', '1k'], ['1M', '1M'], ['1G', '1G'], ['500M', '500M'], ['1e3', '1e3'], ['1E6', '1e6'], ['10e2', '1e3'],
  ])('%s -> %s', (input, expected) => {
    expect(canonicalQuantity(input)).toBe(expected);
  });
  test('numbers and non-quantities', () => {
    expect(canonicalQuantity(2)).toBe('2');
    expect(canonicalQuantity(0.5)).toBe('500m');
    expect(canonicalQuantity('lots')).toBe('lots');
  });
});
