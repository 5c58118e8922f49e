/**
 * Microsoft's Replace() takes .NET regular expressions and .NET substitutions (`${name}`, `$1`, `$$`). JS
 * regexes are close; this translates the differences that occur in provisioning expressions and rejects the few
 * .NET constructs JS lacks, with a message saying which.
 */

export class RegexTranslationError extends Error {}

export interface TranslatedRegex {
  source: string;
  flags: string;
}

/** Translate a .NET pattern to a JS RegExp (global, with match indices). Throws RegexTranslationError. */
export function compileDotNetRegex(pattern: string): RegExp {
  const { source, flags } = translateDotNetRegex(pattern);
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new RegexTranslationError(`invalid regular expression "${pattern}": ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
}

export function translateDotNetRegex(pattern: string): TranslatedRegex {
  let src = pattern;
  let flags = 'gd';
  // Leading inline options, e.g. (?i) or (?im).
  const lead = /^\(\?([imsnx]+)\)/.exec(src);
  if (lead) {
    for (const o of lead[1]) {
      if (o === 'i' || o === 'm' || o === 's') flags += flags.includes(o) ? '' : o;
      else throw new RegexTranslationError(`the inline option '${o}' is not supported`);
    }
    src = src.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) throw new RegexTranslationError('the pattern ends with a lone backslash');
      if (!inClass && n === 'A') out += '^';
      else if (!inClass && n === 'z') out += '$(?![\\s\\S])';
      else if (!inClass && n === 'Z') out += '(?=\\n?$(?![\\s\\S]))';
      else if (n === 'p' || n === 'P') {
        if (!flags.includes('u')) flags += 'u';
        out += c + n;
      } else out += c + n;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') out += '\\' + src[++i]; // .NET allows a literal ] first in a class
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      const rest = src.slice(i + 2);
      const quoted = /^'([A-Za-z_][A-Za-z0-9_]*)'/.exec(rest);
      if (quoted) {
        out += `(?<${quoted[1]}>`;
        i += 1 + quoted[0].length;
        continue;
      }
      if (rest.startsWith('>')) throw new RegexTranslationError('atomic groups (?>…) are not supported');
      if (/^<[A-Za-z0-9_]*-/.test(rest)) throw new RegexTranslationError('balancing groups (?<name-other>…) are not supported');
      if (/^[imsnx-]+[:)]/.test(rest)) throw new RegexTranslationError('inline options are supported only at the start of the pattern, e.g. (?i)');
      if (rest.startsWith('#')) throw new RegexTranslationError('(?#comments) are not supported');
    }
    out += c;
  }
  return { source: out, flags };
}

/** Expand a .NET replacement pattern for one match. */
export function expandSubstitution(replacement: string, match: RegExpExecArray, input: string): string {
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i];
    if (c !== '$' || i + 1 >= replacement.length) {
      out += c;
      continue;
    }
    const n = replacement[i + 1];
    if (n === '$') {
      out += '$';
      i++;
    } else if (n === '&') {
      out += match[0];
      i++;
    } else if (n === '`') {
      out += input.slice(0, match.index);
      i++;
    } else if (n === "'") {
      out += input.slice(match.index + match[0].length);
      i++;
    } else if (n === '_') {
      out += input;
      i++;
    } else if (n === '+') {
      out += match.length > 1 ? match[match.length - 1] ?? '' : '';
      i++;
    } else if (n === '{') {
      const close = replacement.indexOf('}', i + 2);
      const name = close > 0 ? replacement.slice(i + 2, close) : '';
      if (name && /^\d+$/.test(name) && Number(name) < match.length) {
        out += match[Number(name)] ?? '';
        i = close;
      } else if (name && match.groups && name in match.groups) {
        out += match.groups[name] ?? '';
        i = close;
      } else out += c; // unknown group: kept literally, as .NET does
    } else if (n >= '0' && n <= '9') {
      // Longest group number that exists.
      let j = i + 1;
      while (j < replacement.length && replacement[j] >= '0' && replacement[j] <= '9') j++;
      let digits = replacement.slice(i + 1, j);
      while (digits.length > 0 && Number(digits) >= match.length) digits = digits.slice(0, -1);
      if (digits.length === 0) out += c;
      else {
        out += match[Number(digits)] ?? '';
        i += digits.length;
      }
    } else out += c;
  }
  return out;
}

/** Regex.Replace(input, pattern, replacement) with .NET substitutions. */
export function regexReplace(input: string, re: RegExp, replacement: string): string {
  re.lastIndex = 0;
  let out = '';
  let last = 0;
  for (const m of input.matchAll(re)) {
    out += input.slice(last, m.index) + expandSubstitution(replacement, m, input);
    last = m.index! + m[0].length;
  }
  return out + input.slice(last);
}

/** Replace, in every match, only the span captured by the named group. */
export function regexReplaceGroup(input: string, re: RegExp, group: string, replacement: string): string {
  re.lastIndex = 0;
  let out = '';
  let last = 0;
  for (const m of input.matchAll(re)) {
    const span = m.indices?.groups?.[group];
    if (!span) continue;
    out += input.slice(last, span[0]) + replacement;
    last = span[1];
  }
  return out + input.slice(last);
}

/** Value of a named group in the first match, or null. */
export function regexExtractGroup(input: string, re: RegExp, group: string): string | null {
  re.lastIndex = 0;
  const m = re.exec(input);
  re.lastIndex = 0;
  return m?.groups?.[group] ?? null;
}

/** Names of the named groups a pattern defines. */
export function groupNames(re: RegExp): string[] {
  const names: string[] = [];
  const rx = /\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g;
  for (const m of re.source.matchAll(rx)) names.push(m[1]);
  return names;
}
