import type { Resolved } from './resolve-scalar.ts';

const INT64_MAX = 2n ** 63n - 1n;

// A mapping key as sigs.k8s.io/yaml turns it into a JSON object key: strings as they are, integers in full,
// booleans as `true`/`false`, floats as Go prints a float32 (`3.1415927`, `1e+21`, `.inf`). So `yes:`, `on:` and
// `y:` are all the key "true", as in helm. Null keys and integers beyond int64 are refused, as helm refuses them.
export function mapKey(key: Resolved): string {
  switch (key.kind) {
    case 'str': return key.value;
    case 'bool': return String(key.value);
    case 'merge': return key.value;
    case 'int':
      if (key.value > INT64_MAX) throw new Error('a map key is an integer beyond int64, which helm cannot read');
      return key.value.toString();
    case 'float': return goFloat32(key.value);
    case 'null': throw new Error('a map key is null, which helm cannot read');
  }
}

// Sets a key as an own property, `__proto__` included (assigning that one would replace the object's prototype).
export function setMapKey(map: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}

// strconv.FormatFloat(f, 'g', -1, 32): the shortest digits that read back as the same float32, in %e form when
// the exponent is below -4 or at least 6.
export function goFloat32(f: number): string {
  const x = Math.fround(f);
  if (Number.isNaN(x)) return '.nan';
  if (x === Number.POSITIVE_INFINITY) return '.inf';
  if (x === Number.NEGATIVE_INFINITY) return '-.inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return `${sign}0`;
  const abs = Math.abs(x);
  let digits = '';
  let exp = 0;
  for (let precision = 1; precision <= 9; precision++) {
    const text = abs.toExponential(precision - 1);
    if (Math.fround(Number(text)) !== abs && precision < 9) continue;
    const [mantissa = '', e = '0'] = text.split('e');
    digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
    exp = Number(e);
    break;
  }
  if (exp < -4 || exp >= 6) {
    const rest = digits.length > 1 ? `.${digits.slice(1)}` : '';
    return `${sign}${digits[0]}${rest}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const fraction = digits.slice(exp + 1);
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}
