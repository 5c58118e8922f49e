/** Multi-valued attributes: Count, Item, RemoveDuplicates. */
import { EnumWord, scalarToText, type Scalar, type Value } from '../values';
import type { Args, FunctionDef } from './types';

const valuesOf = (v: Value): Scalar[] => (v === null ? [] : Array.isArray(v) ? v : [v as Scalar]);

export const multiFunctions: FunctionDef[] = [
  {
    // Connect Sync's Contains, used by Microsoft's Item example: the 1-based index of the first value containing
    // `search` (case-sensitive unless IgnoreCase), or 0.
    name: 'Contains',
    params: [{ name: 'attribute' }, { name: 'search' }, { name: 'Casetype', optional: true }],
    evaluate(args: Args) {
      let ignoreCase = false;
      if (args.present(2)) {
        const c = args.scalar(2);
        const w = c instanceof EnumWord ? c.name : c === null ? 'CaseSensitive' : scalarToText(c);
        if (/^IgnoreCase$/i.test(w)) ignoreCase = true;
        else if (!/^CaseSensitive$/i.test(w)) args.error(`'${w}' is not a case type; use IgnoreCase or CaseSensitive`, 2);
      }
      const search = args.text(1);
      if (search === null) return 0;
      const needle = ignoreCase ? search.toLowerCase() : search;
      const values = valuesOf(args.value(0));
      const i = values.findIndex((v) => (ignoreCase ? scalarToText(v).toLowerCase() : scalarToText(v)).includes(needle));
      return i + 1;
    },
  },
  {
    name: 'Count',
    params: [{ name: 'attribute' }],
    evaluate: (args: Args) => valuesOf(args.value(0)).length,
  },
  {
    name: 'Item',
    params: [{ name: 'attribute' }, { name: 'index' }],
    evaluate(args: Args) {
      const index = args.int(1);
      const values = valuesOf(args.value(0));
      if (index === null) args.error('the index is missing (null)', 1);
      if (index < 1 || index > values.length) {
        args.error(
          values.length === 0 ? `index ${index} is out of range: the attribute has no values` : `index ${index} is out of range (1 to ${values.length})`,
          1,
          index === 0 ? 'Item counts from 1: Item([attr], 1) is the first value.' : 'Check Count([attr]) first, e.g. IIF(Count([attr]) >= 2, Item([attr], 2), "").',
        );
      }
      return values[index - 1];
    },
  },
  {
    name: 'RemoveDuplicates',
    params: [{ name: 'attribute' }],
    evaluate(args: Args) {
      const v = args.value(0);
      if (v === null) return null;
      const seen = new Set<string>();
      const out: Scalar[] = [];
      for (const item of valuesOf(v)) {
        const key = scalarToText(item);
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(item);
      }
      return out;
    },
  },
];
