// resource.Quantity's canonical string form (`Quantity.String()`), as the API server writes
// quantities back: `1024Mi` -> `1Gi`, `0.5` -> `500m`, `1000m` -> `1`, `1000` -> `1k`,
// `1.5Gi` -> `1536Mi`. Values are exact (BigInt decimals), rounded up to nano precision like upstream.

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const DECIMAL_EXPONENTS: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const DECIMAL_SUFFIXES: Record<number, string> = Object.fromEntries(Object.entries(DECIMAL_EXPONENTS).map(([s, e]) => [e, s]));

type Format = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

interface Parsed {
  /** value = mantissa * 10^scale */
  mantissa: bigint;
  scale: number;
  format: Format;
}

export function parseQuantity(text: string): Parsed | undefined {
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  const [, sign, number, suffix = ''] = m;
  const [whole, fraction = ''] = number.split('.');
  let mantissa = BigInt(`${whole || '0'}${fraction}`);
  let scale = -fraction.length;
  let format: Format = 'DecimalSI';
  const binary = BINARY_SUFFIXES.indexOf(suffix);
  if (suffix !== '' && binary > 0) {
    format = 'BinarySI';
    mantissa *= 1n << BigInt(10 * binary);
  } else if (/^[eE]/.test(suffix)) {
    format = 'DecimalExponent';
    scale += Number(suffix.slice(1));
  } else {
    scale += DECIMAL_EXPONENTS[suffix];
  }
  // Upstream keeps at most nano precision and rounds up.
  if (scale < -9) {
    const div = 10n ** BigInt(-9 - scale);
    mantissa = mantissa % div === 0n ? mantissa / div : mantissa / div + 1n;
    scale = -9;
  }
  if (sign === '-') mantissa = -mantissa;
  return { mantissa, scale, format };
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

/** The canonical form of a quantity; strings that are not quantities are returned unchanged. */
export function canonicalQuantity(value: string | number): string {
  const parsed = parseQuantity(String(value));
  if (!parsed) return String(value);
  let { mantissa, scale } = parsed;
  if (mantissa === 0n) return '0';
  let format = parsed.format;
  if (format === 'BinarySI') {
    const integer = scale >= 0 || mantissa % 10n ** BigInt(-scale) === 0n;
    const small = scale <= 0 ? abs(mantissa) < 1024n * 10n ** BigInt(-scale) : false;
    if (small || !integer) {
      format = 'DecimalSI';
    } else {
      let amount = scale >= 0 ? mantissa * 10n ** BigInt(scale) : mantissa / 10n ** BigInt(-scale);
      let exponent = 0;
      while (exponent < BINARY_SUFFIXES.length - 1 && amount % 1024n === 0n) {
        amount /= 1024n;
        exponent++;
      }
      return `${amount}${BINARY_SUFFIXES[exponent]}`;
    }
  }
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    scale++;
  }
  const r = ((scale % 3) + 3) % 3;
  mantissa *= 10n ** BigInt(r);
  scale -= r;
  if (format === 'DecimalExponent' || DECIMAL_SUFFIXES[scale] === undefined) return scale === 0 ? `${mantissa}` : `${mantissa}e${scale}`;
  return `${mantissa}${DECIMAL_SUFFIXES[scale]}`;
}
