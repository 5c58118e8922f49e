import { describe, expect, it } from 'vitest';
import {
  childDn,
  cnDn,
  dnEquals,
  DnSyntaxError,
  escapeRdnValue,
  formatDn,
  isDescendantOf,
  normalizeDn,
  parentDn,
  parentDnText,
  parseDn,
  rdnValue,
  unescapeRdnValue,
} from '../../../src/directory/dn';

const PARENT = 'OU=Groups,DC=lab,DC=example,DC=com';

describe('escapeRdnValue', () => {
  it.each([
    ['Sales', 'Sales'],
    ['Smith, John', 'Smith\\, John'],
    ['a+b', 'a\\+b'],
    ['say "hi"', 'say \\"hi\\"'],
    ['back\\slash', 'back\\\\slash'],
    ['<tag>', '\\<tag\\>'],
    ['semi;colon', 'semi\\;colon'],
    ['x=y', 'x\\=y'],
    ['#hash', '\\#hash'],
    ['mid#hash', 'mid#hash'],
    [' leading', '\\ leading'],
    ['trailing ', 'trailing\\ '],
    ['  both  ', '\\  both \\ '],
    [' ', '\\ '],
    ['nul\0char', 'nul\\00char'],
    ['line\nfeed', 'line\\0Afeed'],
    ['Ünïcødé Grüppe', 'Ünïcødé Grüppe'],
    ['Отдел продаж', 'Отдел продаж'],
    ['営業部', '営業部'],
    ['emoji 🎉', 'emoji 🎉'],
    [', + " \\ # < > ; =', '\\, \\+ \\" \\\\ # \\< \\> \\; \\='],
  ])('%j → %j', (input, escaped) => {
    expect(escapeRdnValue(input)).toBe(escaped);
  });
});

describe('parseDn', () => {
  it('splits RDNs and unescapes values', () => {
    expect(parseDn('CN=Smith\\, John,OU=Sales,DC=lab,DC=example,DC=com')).toEqual([
      [{ type: 'CN', value: 'Smith, John' }],
      [{ type: 'OU', value: 'Sales' }],
      [{ type: 'DC', value: 'lab' }],
      [{ type: 'DC', value: 'example' }],
      [{ type: 'DC', value: 'com' }],
    ]);
  });

  it('decodes hex escapes, including multi-byte UTF-8 sequences', () => {
    expect(parseDn('CN=a\\2Cb,DC=x')[0][0].value).toBe('a,b');
    expect(parseDn('CN=a\\2cb\\5C,DC=x')[0][0].value).toBe('a,b\\');
    expect(parseDn('CN=Gr\\C3\\BCppe,DC=x')[0][0].value).toBe('Grüppe');
    expect(parseDn('CN=\\E5\\96\\B6\\E6\\A5\\AD,DC=x')[0][0].value).toBe('営業');
  });

  it('keeps escaped spaces and drops unescaped ones around separators', () => {
    expect(parseDn('CN=\\ x\\ , OU=y ')[0][0].value).toBe(' x ');
    expect(parseDn('CN=\\ x\\ , OU=y ')[1][0]).toEqual({ type: 'OU', value: 'y' });
    expect(parseDn('CN=x\\20,DC=y')[0][0].value).toBe('x ');
  });

  it('handles multi-valued RDNs, ; separators and quoted values', () => {
    expect(parseDn('CN=a+UID=b,DC=x')[0]).toEqual([
      { type: 'CN', value: 'a' },
      { type: 'UID', value: 'b' },
    ]);
    expect(parseDn('CN=a;DC=x')).toHaveLength(2);
    expect(parseDn('CN="Smith, John",DC=x')[0][0].value).toBe('Smith, John');
  });

  it('accepts an unescaped = inside a value, and an empty DN', () => {
    expect(parseDn('CN=a=b,DC=x')[0][0].value).toBe('a=b');
    expect(parseDn('')).toEqual([]);
  });

  it.each([
    ['CN=a,', 'trailing separator'],
    ['CN', 'missing "="'],
    ['=x', 'bad attribute type'],
    ['C N=x', 'bad attribute type'],
    ['CN=a\\', 'invalid escape'],
    ['CN=a\\q', 'invalid escape'],
    ['CN=\\C3', 'not valid UTF-8'],
    ['CN=#0403', 'hex-string'],
    ['CN="open', 'unterminated'],
    ['CN=a"b', 'unescaped quote'],
  ])('rejects %j (%s)', (dn, why) => {
    expect(() => parseDn(dn)).toThrow(DnSyntaxError);
    expect(() => parseDn(dn)).toThrow(why);
  });
});

describe('round trip: escape → DN → parse', () => {
  const names = [
    'Sales, EMEA',
    'R&D + Ops',
    'He said "yes"',
    'C:\\share\\path',
    '#1 team',
    '<admins>',
    'a;b',
    'k=v',
    '  padded  ',
    'trailing backslash\\',
    'x'.repeat(64),
    'Ünïcødé Grüppe',
    'Отдел продаж',
    '営業部',
    'עברית',
    ', + " \\ # < > ; =',
    'nul\0 and\ttab',
  ];
  it.each(names)('%j', (name) => {
    const dn = cnDn(name, PARENT);
    const rdns = parseDn(dn);
    expect(rdns).toHaveLength(5);
    expect(rdns[0][0]).toEqual({ type: 'CN', value: name });
    expect(rdnValue(dn)).toBe(name);
    expect(parentDn(dn)).toBe(PARENT);
    expect(formatDn(rdns)).toBe(dn);
    expect(unescapeRdnValue(escapeRdnValue(name))).toBe(name);
  });
});

describe('comparison and hierarchy', () => {
  it('compares case- and escaping-insensitively', () => {
    expect(dnEquals('CN=Smith\\, John,OU=Sales,DC=lab', 'cn=smith\\2c john,ou=SALES,dc=LAB')).toBe(true);
    expect(dnEquals('CN=a\\20,DC=x', 'CN=a\\ ,DC=x')).toBe(true);
    expect(dnEquals('CN=Grüppe,DC=x', 'CN=GRÜPPE,DC=x')).toBe(true);
    expect(dnEquals('CN=a,DC=x', 'CN=a ,DC=x')).toBe(true); // unescaped trailing space is not part of the value
    expect(dnEquals('CN=a\\ ,DC=x', 'CN=a,DC=x')).toBe(false);
    expect(dnEquals('CN=a,OU=b,DC=x', 'CN=a,OU=c,DC=x')).toBe(false);
    expect(dnEquals('CN=a+UID=b,DC=x', 'uid=B+cn=A,dc=X')).toBe(true);
  });

  it('normalizes to one canonical key', () => {
    expect(normalizeDn('CN=Foo\\2C Bar , OU=X,DC=Lab')).toBe('cn=foo\\, bar,ou=x,dc=lab');
  });

  it('builds child DNs with escaping and finds parents', () => {
    expect(childDn(PARENT, 'CN', 'Smith, John')).toBe(`CN=Smith\\, John,${PARENT}`);
    expect(cnDn('#x ', PARENT)).toBe(`CN=\\#x\\ ,${PARENT}`);
    expect(childDn('', 'DC', 'com')).toBe('DC=com');
    expect(() => childDn(PARENT, 'C N', 'x')).toThrow(DnSyntaxError);
    expect(parentDn('DC=com')).toBe('');
    expect(parentDn('CN=a\\,b,OU=c\\+d,DC=x')).toBe('OU=c\\+d,DC=x');
  });

  it('tells descendants', () => {
    expect(isDescendantOf('CN=g,OU=Groups,DC=lab', 'dc=LAB')).toBe(true);
    expect(isDescendantOf('CN=g,OU=Groups,DC=lab', 'OU=Groups,DC=lab')).toBe(true);
    expect(isDescendantOf('OU=Groups,DC=lab', 'OU=Groups,DC=lab')).toBe(false);
    expect(isDescendantOf('CN=g,OU=Groups2,DC=lab', 'OU=Groups,DC=lab')).toBe(false);
    expect(isDescendantOf('CN=g,OU=x\\,Groups,DC=lab', 'OU=Groups,DC=lab')).toBe(false);
  });
});

describe('parentDnText', () => {
  it('is the text after the first RDN, as written, whatever the first RDN escapes or quotes', () => {
    expect(parentDnText(`CN=g,${PARENT}`)).toBe(PARENT);
    expect(parentDnText('CN=Smith\\, John, OU=x\\,y ,DC=lab')).toBe(' OU=x\\,y ,DC=lab');
    expect(parentDnText('CN=a\\2C b;OU=x,DC=lab')).toBe('OU=x,DC=lab');
    expect(parentDnText('CN="a, b; c",OU=x,DC=lab')).toBe('OU=x,DC=lab');
    expect(parentDnText('CN="a \\" ,b",OU=x,DC=lab')).toBe('OU=x,DC=lab');
    expect(parentDnText('CN=a+UID=b\\,c,OU=x,DC=lab')).toBe('OU=x,DC=lab');
    expect(parentDnText('CN=a\\\\,OU=x')).toBe('OU=x'); // an escaped backslash ends before the separator
  });

  it('is undefined where there is no parent text or the scan cannot tell: callers fall back to parentDn', () => {
    expect(parentDnText('DC=com')).toBeUndefined();
    expect(parentDnText('CN=a, ')).toBeUndefined();
    expect(parentDnText('CN="a,OU=x')).toBeUndefined();
    expect(parentDnText('CN=a\\')).toBeUndefined();
  });

  it('names the same parent as parentDn once parsed', () => {
    for (const dn of [`CN=g,${PARENT}`, 'CN=Smith\\, John, OU=x\\,y ,DC=lab', 'CN="a, b",OU=Sales;DC=lab', 'cn=A+uid=b,ou=\\23x,dc=lab', 'CN=Grüppe\\C3\\BC,OU=Ä,DC=x']) {
      expect(formatDn(parseDn(parentDnText(dn)!))).toBe(parentDn(dn));
    }
  });
});

describe('fast paths agree with the character-by-character reference (seeded random DNs)', async () => {
  const { reference } = await import('./dn-reference');
  // Deterministic PRNG (mulberry32): the same 20,000 cases every run.
  let seed = 0x5eed1234;
  const rnd = (): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  // Plain letters weigh most (the fast paths' case), then everything a DN may hold or get wrong.
  const atoms = ['a', 'B', 'z', '0', '-', '_', '.', ' ', '  ', ',', ';', '+', '=', '#', '"', '<', '>', '\\', '\\,', '\\2C', '\\C3\\A9', '\\ ', '\\#', '\\=', '\\"', '\\zz', 'é', 'Σ', 'ß', 'İ', '\u0000', '\t', '\u007f', '😀', 'CN', 'OU', 'dc', '1.2.840'];
  const plain = ['a', 'B', 'z', 'Q', '0', '7', '-', '_', '.', ' ', 'Group', 'Sales'];
  const value = (): string => Array.from({ length: Math.floor(rnd() * 8) }, () => (rnd() < 0.6 ? pick(plain) : pick(atoms))).join('');
  const type = (): string => pick(['CN', 'cn', 'OU', 'DC', 'uid', ' CN ', 'C-N', '1.2.3', '9x', '', 'c n']);
  const dn = (): string => Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => `${type()}=${value()}`).join(pick([',', ',', ',', ', ', ';', '+']));
  const outcome = (f: () => unknown): unknown => {
    try {
      return { ok: f() };
    } catch (err) {
      return { threw: (err as Error).message };
    }
  };

  it('normalizeDn and parseDn: same key / RDNs, or the same error, as the reference', () => {
    let plainCases = 0;
    for (let i = 0; i < 20_000; i++) {
      const d = dn();
      if (!/[^\x20-\x7e]|[\\"+;<>#]/.test(d)) plainCases++;
      expect(outcome(() => normalizeDn(d)), d).toEqual(outcome(() => reference.normalizeDn(d)));
      expect(outcome(() => parseDn(d)), d).toEqual(outcome(() => reference.parseDn(d)));
    }
    // The generator reaches the fast path often enough for the comparison to mean something.
    expect(plainCases).toBeGreaterThan(2_000);
  });

  it('escapeRdnValue: the same escaping as the reference', () => {
    for (let i = 0; i < 20_000; i++) {
      const v = value();
      expect(escapeRdnValue(v), JSON.stringify(v)).toBe(reference.escapeRdnValue(v));
    }
  });

  it('normalizeDn of the usual shapes', () => {
    expect(normalizeDn(' CN = Sales Team ,OU=Groups, DC=Lab ')).toBe('cn=sales team,ou=groups,dc=lab');
    expect(normalizeDn('CN=a=b,DC=x')).toBe('cn=a\\=b,dc=x');
    expect(normalizeDn('CN=,DC=x')).toBe('cn=,dc=x');
    expect(() => normalizeDn('CN=a,,DC=x')).toThrow(DnSyntaxError);
    expect(() => normalizeDn('CN=a,DC=x,')).toThrow(DnSyntaxError);
  });
});
