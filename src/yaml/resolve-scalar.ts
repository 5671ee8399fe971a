// What a YAML scalar means, by the rules helm and kubectl read YAML with (sigs.k8s.io/yaml over go-yaml v2,
// checked against `helm template`): YAML 1.1 booleans (`y`, `yes`, `on`, ...), Go integer syntax (`0644` and `0o644`
// octal, `0x1F`, `0b101`, `_` ignored), floats only in decimal form, timestamps and `1:20` left as strings.

// A resolved scalar; integers stay exact (bigint) because map keys print them in full.
export type Resolved =
  | { kind: 'null'; value: null }
  | { kind: 'bool'; value: boolean }
  | { kind: 'int'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'str'; value: string }
  | { kind: 'merge'; value: '<<' };

const YAML_TAG = 'tag:yaml.org,2002:';
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

const FIXED = new Map<string, Resolved>();
const fix = (words: string, value: Resolved): void => {
  for (const word of words.split(' ')) FIXED.set(word, value);
};
fix('y Y yes Yes YES on On ON true True TRUE', { kind: 'bool', value: true });
fix('n N no No NO off Off OFF false False FALSE', { kind: 'bool', value: false });
fix('~ null Null NULL', { kind: 'null', value: null });
FIXED.set('', { kind: 'null', value: null });
fix('.nan .NaN .NAN', { kind: 'float', value: Number.NaN });
fix('.inf .Inf .INF +.inf +.Inf +.INF', { kind: 'float', value: Number.POSITIVE_INFINITY });
fix('-.inf -.Inf -.INF', { kind: 'float', value: Number.NEGATIVE_INFINITY });
FIXED.set('<<', { kind: 'merge', value: '<<' });

// Go's strconv.ParseInt(s, 0, 64) syntax: sign, then 0x/0o/0b prefixed, leading-0 octal, or decimal.
const INT = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|0([0-7]*)|([1-9][0-9]*))$/;
// go-yaml's yamlStyleFloat: decimal digits only (no hex floats, no `inf`).
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const DOT_FLOAT = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?(?:Z|[-+][0-9]{2}:[0-9]{2}))|(?: [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?))?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function integer(plain: string): bigint | undefined {
  const m = INT.exec(plain);
  if (!m) return undefined;
  const [, sign, hex, oct, bin, leadingZeroOct, dec] = m;
  const digits = hex !== undefined ? `0x${hex}` : oct !== undefined ? `0o${oct}` : bin !== undefined ? `0b${bin}`
    : leadingZeroOct !== undefined ? `0o${leadingZeroOct || '0'}` : (dec ?? '0');
  const magnitude = BigInt(digits);
  const value = sign === '-' ? -magnitude : magnitude;
  if (value >= INT64_MIN && value <= INT64_MAX) return value;
  return sign === '' && value <= UINT64_MAX ? value : undefined; // ParseUint takes no sign
}

function finiteFloat(text: string): number | undefined {
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined; // Go's ParseFloat fails on overflow: the text stays a string
}

// A plain (unquoted, untagged) scalar, as go-yaml v2's resolve() reads it.
export function resolvePlain(text: string): Resolved {
  const fixed = FIXED.get(text);
  if (fixed) return fixed;
  const first = text.charAt(0);
  if (first === '.') {
    const value = DOT_FLOAT.test(text) ? finiteFloat(text) : undefined;
    return value === undefined ? { kind: 'str', value: text } : { kind: 'float', value };
  }
  if (!/[-+0-9]/.test(first)) return { kind: 'str', value: text };
  const plain = text.replaceAll('_', '');
  const int = integer(plain);
  if (int !== undefined) return { kind: 'int', value: int };
  const float = FLOAT.test(plain) ? finiteFloat(plain) : undefined;
  return float === undefined ? { kind: 'str', value: text } : { kind: 'float', value: float };
}

function mismatch(text: string, resolved: Resolved, tag: string): Error {
  return new Error(`cannot decode !!${resolved.kind} \`${text}\` as a !!${tag}`);
}

// A scalar with an explicit tag (`!!int "7"`, `!!binary ...`); quoted or not, its text is read as go-yaml does.
// Unknown and local tags (`!foo`) leave the text a string. Throws when the text does not fit the tag.
export function resolveTagged(tag: string, text: string): Resolved {
  if (!tag.startsWith(YAML_TAG)) return { kind: 'str', value: text };
  const name = tag.slice(YAML_TAG.length);
  if (name === 'str') return { kind: 'str', value: text };
  if (name === 'binary') {
    const base64 = text.replace(/[\r\n]/g, '');
    if (!BASE64.test(base64)) throw new Error('!!binary value contains invalid base64 data');
    return { kind: 'str', value: Buffer.from(base64, 'base64').toString('utf8') };
  }
  if (name === 'timestamp') {
    if (TIMESTAMP.test(text)) return { kind: 'str', value: text };
    throw mismatch(text, resolvePlain(text), name);
  }
  const resolved = resolvePlain(text);
  if (resolved.kind === name) return resolved;
  if (name === 'float' && resolved.kind === 'int') return { kind: 'float', value: Number(resolved.value) };
  if (['null', 'bool', 'int', 'float', 'merge'].includes(name)) throw mismatch(text, resolved, name);
  return { kind: 'str', value: text }; // !!map, !!seq, !!set on a scalar: go-yaml keeps the text
}

// The JSON value of a resolved scalar (integers become IEEE doubles, as JSON numbers do in helm).
export function scalarValue(resolved: Resolved): string | number | boolean | null {
  return resolved.kind === 'int' ? Number(resolved.value) : resolved.value;
}
