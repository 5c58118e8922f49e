/**
 * A JSON document as a stream of text chunks: the same text as `JSON.stringify(doc)`, without ever holding
 * all of it. A state file at 50,000 groups is ≈10 MB of JSON; as one string plus its UTF-8 copy it costs
 * ≈20 MB at the moment of each save (at the end of the object phase, where the core's memory peaks).
 *
 * Each top-level member that is a plain object (the state's `groups`, `failed`, `nestedWaiting`) is written
 * entry by entry; every other value (and each entry) goes through JSON.stringify itself, so the text is
 * exactly JSON.stringify's for JSON data (members whose value JSON leaves out — undefined, functions — are left
 * out here too).
 */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** JSON.stringify(obj) as pieces; with `deep`, plain-object members are themselves written entry by entry. */
function* pieces(obj: Record<string, unknown>, deep: boolean): Generator<string> {
  yield '{';
  let first = true;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (deep && isPlainObject(v)) {
      yield `${first ? '' : ','}${JSON.stringify(key)}:`;
      yield* pieces(v, false);
    } else {
      const text = JSON.stringify(v);
      if (text === undefined) continue;
      yield `${first ? '' : ','}${JSON.stringify(key)}:${text}`;
    }
    first = false;
  }
  yield '}';
}

/** JSON.stringify(doc) in chunks of about `chunkChars` characters (a plain-object doc; anything else whole). */
export function* jsonChunks(doc: unknown, chunkChars = 64 * 1024): Generator<string> {
  if (!isPlainObject(doc)) {
    const text = JSON.stringify(doc);
    if (text !== undefined) yield text;
    return;
  }
  let buf = '';
  for (const p of pieces(doc, true)) {
    buf += p;
    if (buf.length >= chunkChars) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}
