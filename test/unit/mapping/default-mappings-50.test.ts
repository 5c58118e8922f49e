/**
 * The default mappings evaluated through the mapping interface for 50 generated groups (long, unicode, padded,
 * special-character names) equal values computed here by hand, independently of the expression engine:
 *   cn          = first 51 UTF-16 units of the .NET-trimmed displayName (never half a surrogate pair) + "_" + last 12 of id
 *   description = first 448 units of the trimmed description; empty → null
 *   anchor      = "Group_" + id (adminDescription and msDS-ExternalDirectoryObjectId)
 */
import { describe, expect, it } from 'vitest';
import { compileMappings, defaultMappings, groupToSource } from '../../../src/mapping';
import type { CloudGroup } from '../../../src/model/cloud';

const CONTAINER = 'OU=Cloud Groups,DC=lab,DC=example,DC=com';

// Deterministic PRNG (mulberry32), so failures reproduce.
function prng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = prng(20240917);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

function guid(): string {
  const h = () => Math.floor(rnd() * 16).toString(16);
  const s = (n: number) => Array.from({ length: n }, h).join('');
  return `${s(8)}-${s(4)}-4${s(3)}-${pick(['8', '9', 'a', 'b'])}${s(3)}-${s(12)}`;
}

const WORDS = ['Sales', 'Finance', 'Engineering', 'Marketing', 'HR', 'Operations', 'Legal', 'Support', 'Research', 'Facilities'];
const UNICODE = ['Zoë', 'Ærøskøbing', 'Straße', 'Ñandú', 'Crème brûlée', '東京営業部', 'Київ', 'עברית', 'العربية', 'Δέλτα', '😀', '👩‍💻', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', 'ガギグ', 'e\u0301'];
const SPECIAL = ['#Leading hash', 'Comma, inside', 'Plus+Sign', 'Quote "q"', 'Back\\slash', 'Less<More>', 'Semi;colon', 'Equals=Sign', 'Slash/Path', 'Star*', 'Amp & Co', "O'Brien", 'Tab\tInside', '[brackets]', '(parens)'];
const SPACES = [' ', '  ', '\t', '\u00a0', '\u3000', '\u2003', '\r\n', '\u200a'];

function makeDisplayName(i: number): string | null {
  switch (i % 5) {
    case 0: {
      // long ASCII, 52..130 units
      let s = '';
      while (s.length < int(52, 130)) s += pick(WORDS) + ' ';
      return s.trimEnd();
    }
    case 1: {
      // unicode, mixed scripts, emoji near the cut
      let s = '';
      const target = int(20, 70);
      while (s.length < target) s += pick(UNICODE) + pick([' ', '-', '']);
      return s;
    }
    case 2:
      // padded with assorted white space, inner white space kept
      return pick(SPACES) + pick(SPACES) + pick(WORDS) + ' ' + pick(SPACES) + pick(WORDS) + pick(SPACES) + pick(SPACES);
    case 3:
      // RFC 4514 special characters
      return pick(SPECIAL) + ' ' + pick(SPECIAL) + (rnd() < 0.5 ? ' ' + pick(SPECIAL) : '');
    default: {
      // boundaries: exactly 51 / 52 units, an astral character straddling unit 51, null, empty, only spaces, U+FEFF (not white space in .NET)
      const k = Math.floor(i / 5) % 8;
      return [
        'x'.repeat(51),
        'y'.repeat(52),
        'a'.repeat(50) + '😀tail',
        'b'.repeat(49) + '😀tail',
        null,
        '',
        '   \t  ',
        '\ufeffBOM group\ufeff',
      ][k];
    }
  }
}

function makeDescription(i: number): string | null {
  switch (i % 4) {
    case 0:
      return null;
    case 1:
      return '';
    case 2:
      return '  ' + 'Long description. '.repeat(int(25, 40)) + '  ';
    default:
      return pick(SPACES) + pick(WORDS) + ' team ' + pick(UNICODE) + pick(SPACES);
  }
}

// ---- independent expectations -------------------------------------------------------------------------------
// .NET Char.IsWhiteSpace, as a regex (the engine uses a lookup table).
const WS = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const trimDotNet = (s: string) => s.replace(new RegExp(`^${WS}+|${WS}+$`, 'g'), '');

/** First `n` UTF-16 units, dropping a code point that does not fit whole. */
function leftUnits(s: string, n: number): string {
  let out = '';
  for (const cp of s) {
    if (out.length + cp.length > n) break;
    out += cp;
  }
  return out;
}

function expected(g: CloudGroup) {
  const anchor = 'Group_' + g.id;
  const name = g.displayName === null ? '' : leftUnits(trimDotNet(g.displayName), 51);
  const description = g.description === null ? null : leftUnits(trimDotNet(g.description), 448) || null;
  return {
    attributes: { adminDescription: anchor, description, displayName: g.displayName || null, 'msDS-ExternalDirectoryObjectId': anchor },
    cn: name + '_' + g.id.split('-')[4],
    parentDistinguishedName: CONTAINER,
    onCreateOnly: new Set<string>(),
    dropped: new Set<string>(),
  };
}

const groups: CloudGroup[] = Array.from({ length: 50 }, (_, i) => ({
  id: guid(),
  displayName: makeDisplayName(i),
  description: makeDescription(i),
  securityEnabled: true,
  mailEnabled: false,
  groupTypes: [],
  onPremisesSyncEnabled: null,
  onPremisesSecurityIdentifier: null,
}));

describe('default mappings for 50 generated groups', () => {
  const mappings = compileMappings(defaultMappings({ targetContainer: CONTAINER }));

  it('the generator covers the interesting cases', () => {
    const names = groups.map((g) => g.displayName);
    expect(names.filter((n) => n !== null && trimDotNet(n).length > 51).length).toBeGreaterThanOrEqual(10);
    expect(names.some((n) => n !== null && /[\u{1F000}-\u{1FFFF}]/u.test(n))).toBe(true);
    expect(names.some((n) => n !== null && n !== trimDotNet(n))).toBe(true);
    expect(names.some((n) => n !== null && /[,+"\\<>;=#]/.test(n))).toBe(true);
    expect(names).toContain(null);
    expect(groups.some((g) => g.description !== null && trimDotNet(g.description).length > 448)).toBe(true);
  });

  it.each(groups.map((g, i) => [i, g.displayName, g] as const))('group %i %j', (_i, _name, group) => {
    const mapped = mappings.map(groupToSource(group));
    expect(mapped).toEqual(expected(group));
    expect(mapped.cn.length).toBeLessThanOrEqual(64);
    expect(mapped.cn).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/); // no lone surrogates
  });

  it('hand-checked boundaries', () => {
    const id = '00000000-0000-4000-8000-0123456789ab';
    const map = (displayName: string) => mappings.map({ objectId: id, displayName }).cn;
    expect(map('a'.repeat(50) + '😀tail')).toBe('a'.repeat(50) + '_0123456789ab'); // the emoji would be units 51-52
    expect(map('b'.repeat(49) + '😀tail')).toBe('b'.repeat(49) + '😀_0123456789ab'); // units 50-51 fit
    expect(map('  Sales  ')).toBe('Sales_0123456789ab');
    expect(map('\u3000Sales\u00a0')).toBe('Sales_0123456789ab');
    expect(map('\ufeffSales')).toBe('\ufeffSales_0123456789ab');
  });
});
