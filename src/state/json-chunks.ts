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

/**
 * The members of a plain object as JSON text without its braces, `per` entries at a time: one JSON.stringify of a
 * slice costs far less than one per entry (≈0.1 s of a save at 50,000 groups). A contiguous slice keeps the key
 * order (integer-like keys come first in both); a null-prototype slice keeps a `__proto__` key an own member.
 */
function* memberSlices(obj: Record<string, unknown>, per: number): Generator<string> {
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i += per) {
    const slice: Record<string, unknown> = Object.create(null);
    for (let j = i; j < Math.min(i + per, keys.length); j++) slice[keys[j]] = obj[keys[j]];
    const text = JSON.stringify(slice).slice(1, -1);
    if (text) yield text; // '' when every value of the slice is one JSON leaves out
  }
}

/** JSON.stringify(obj) as pieces; with `deep`, plain-object members are themselves written in slices of entries. */
function* pieces(obj: Record<string, unknown>, deep: boolean, per: number): Generator<string> {
  yield '{';
  let first = true;
  if (!deep) {
    for (const text of memberSlices(obj, per)) {
      yield first ? text : `,${text}`;
      first = false;
    }
    yield '}';
    return;
  }
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (isPlainObject(v)) {
      yield `${first ? '' : ','}${JSON.stringify(key)}:`;
      yield* pieces(v, false, per);
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
  // Entries per slice: a state record is ≈200 characters, so a slice is a small part of a chunk.
  const per = Math.max(1, Math.floor(chunkChars / 1024));
  for (const p of pieces(doc, true, per)) {
    buf += p;
    if (buf.length >= chunkChars) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}
