/**
 * Strings held for a whole cycle (per group: its DN and objectGUID in the state) are kept FLAT. A string built
 * by concatenation — a template literal, `a + b` — is a tree of pieces in V8 (a "cons string" node of 32 bytes
 * per `+`, each piece its own string), and stays one until something flattens it: a GUID formatted from its
 * bytes held that way costs ≈370 bytes instead of ≈56. 50,000 groups × two such strings is tens of MB of heap,
 * and V8 sizes the heap as a multiple of what is held.
 */

/** The same text as one flat string (a JSON string round trip yields a fresh sequential string). */
export function flatString(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const scratch = Buffer.alloc(36);

/**
 * The lowercase dashed GUID `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` of 16 bytes taken in `order` (indexes into
 * `bytes` from `at`), written into one flat string without concatenation.
 */
export function formatGuid(bytes: Uint8Array, order: readonly number[], at = 0): string {
  let o = 0;
  for (let k = 0; k < 16; k++) {
    if (k === 4 || k === 6 || k === 8 || k === 10) scratch[o++] = 0x2d;
    const h = HEX[bytes[at + order[k]]];
    scratch[o++] = h.charCodeAt(0);
    scratch[o++] = h.charCodeAt(1);
  }
  return scratch.toString('latin1', 0, 36);
}
