/**
 * NormalizeDiacritics: Microsoft's table maps accented Latin letters to their base letter, and the ligatures and
 * special letters to ASCII spellings (ß→ss, æ→ae, ø→oe, œ→oe, ł→l, ı→i). We decompose (NFD), drop combining
 * marks that sit on a Latin letter, and apply the special spellings. Marks on other scripts are kept (stripping
 * the dakuten from Japanese kana or the breve from Cyrillic й would change the letter, not remove an accent).
 */

const SPECIAL: Record<string, string> = {
  ß: 'ss',
  ẞ: 'SS',
  æ: 'ae',
  Æ: 'AE',
  ø: 'oe',
  Ø: 'OE',
  œ: 'oe',
  Œ: 'OE',
  ł: 'l',
  Ł: 'L',
  ı: 'i',
  đ: 'd',
  Đ: 'D',
  ħ: 'h',
  Ħ: 'H',
  ŀ: 'l',
  Ŀ: 'L',
  ŧ: 't',
  Ŧ: 'T',
};

const isLatinBase = (cp: number) => (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || (cp >= 0xc0 && cp <= 0x24f) || (cp >= 0x1e00 && cp <= 0x1eff);
const isCombiningMark = (ch: string) => /\p{M}/u.test(ch);

export function normalizeDiacritics(input: string): string {
  const decomposed = input.normalize('NFD');
  let out = '';
  let lastBaseLatin = false;
  for (const ch of decomposed) {
    if (isCombiningMark(ch)) {
      if (!lastBaseLatin) out += ch;
      continue;
    }
    const cp = ch.codePointAt(0)!;
    lastBaseLatin = isLatinBase(cp);
    out += SPECIAL[ch] ?? ch;
  }
  return out.normalize('NFC');
}
