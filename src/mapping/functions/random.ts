/** Non-deterministic functions (Guid, RandomString) and SelectUniqueValue. Their sources are injectable hooks. */
import { isNullOrEmpty, scalarToText, type Scalar } from '../values';
import type { Args, FunctionDef } from './types';

export const RANDOM_DIGITS = '0123456789';
export const RANDOM_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const RANDOM_LOWER = 'abcdefghijklmnopqrstuvwxyz';
/** The special characters of Windows' password complexity rules. */
export const RANDOM_SPECIAL = '~!@#$%^&*_-+=`|\\(){}[]:;"\'<>,.?/';

export const randomFunctions: FunctionDef[] = [
  {
    name: 'Guid',
    params: [],
    evaluate: (args: Args) => args.ctx.hooks.guid(),
  },
  {
    name: 'RandomString',
    params: [
      { name: 'Length' },
      { name: 'MinimumNumbers' },
      { name: 'MinimumSpecialCharacters' },
      { name: 'MinimumCapital' },
      { name: 'MinimumLowerCase' },
      { name: 'CharactersToAvoid', optional: true },
    ],
    evaluate(args: Args) {
      const ints: number[] = [];
      for (let i = 0; i < 5; i++) {
        const n = args.int(i);
        if (n === null || n < 0) args.error(`must be a whole number of 0 or more, got ${n}`, i);
        ints.push(n);
      }
      const [length, minNum, minSpecial, minCap, minLow] = ints;
      if (length < 1 || length > 256) args.error(`must be between 1 and 256, got ${length}`, 0);
      if (minNum + minSpecial + minCap + minLow > length) args.error(`the minimums add up to ${minNum + minSpecial + minCap + minLow}, more than the length ${length}`, 0);
      const avoid = args.present(5) ? args.text(5) ?? '' : '';
      const pool = (chars: string) => [...chars].filter((c) => !avoid.includes(c)).join('');
      const pools = [pool(RANDOM_DIGITS), pool(RANDOM_SPECIAL), pool(RANDOM_UPPER), pool(RANDOM_LOWER)];
      const mins = [minNum, minSpecial, minCap, minLow];
      const rnd = args.ctx.hooks.random;
      const pick = (chars: string) => chars[Math.min(chars.length - 1, Math.floor(rnd() * chars.length))];
      const out: string[] = [];
      pools.forEach((p, k) => {
        if (mins[k] > 0 && p.length === 0) args.error('every character of this class is in CharactersToAvoid', [1, 2, 3, 4][k]);
        for (let i = 0; i < mins[k]; i++) out.push(pick(p));
      });
      const all = pools.join('');
      while (out.length < length) {
        if (!all) args.error('CharactersToAvoid excludes every character', 5);
        out.push(pick(all));
      }
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.min(i, Math.floor(rnd() * (i + 1)));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out.join('');
    },
  },
  {
    name: 'SelectUniqueValue',
    params: [{ name: 'uniqueValueRule1' }, { name: 'uniqueValueRule2' }],
    rest: [{ name: 'uniqueValueRule' }],
    signature: (n) => Array.from({ length: n }, (_, i) => ({ name: `uniqueValueRule${i + 1}` })),
    minArgs: 2,
    topLevelOnly: true,
    evaluate(args: Args) {
      const candidates: string[] = [];
      for (let i = 0; i < args.count; i++) {
        const v = args.value(i);
        if (isNullOrEmpty(v)) continue;
        const s = Array.isArray(v) ? v.map((x: Scalar) => scalarToText(x)).join('') : scalarToText(v as Scalar);
        if (s !== '' && !candidates.includes(s)) candidates.push(s);
      }
      args.ctx.uniqueCandidates = candidates;
      if (candidates.length === 0) return null;
      const isUnique = args.ctx.hooks.isUnique;
      if (!isUnique) return candidates[0];
      const chosen = candidates.find((c) => isUnique(c));
      if (chosen === undefined) {
        args.error(`every candidate value is already taken (${candidates.map((c) => JSON.stringify(c)).join(', ')})`, undefined, 'Add another rule that generates a different value.');
      }
      return chosen;
    },
  },
];
