/**
 * Issue 14 part 6, hostile names: 1,000 groups whose display names and descriptions are generated from RFC 4514
 * (DN) and RFC 4515 (filter) specials, leading '#' and spaces, control characters, NUL, surrogate pairs (also cut
 * in half by the 51-character limit), combining marks, right-to-left and bidi-override text, names that differ
 * only by case or collide after the 51-character cut, and filter/DN injection text. One full cycle: each group
 * is provisioned with the documented cn — Left(Trim(displayName),51) + "_" + the last 12 of its id — and its
 * displayName/description as they are, or refused with its own error; the rest are unaffected. A second full
 * cycle writes nothing for the provisioned ones.
 *
 * Seed: GWB_HOSTILE_SEED (default: drawn, printed).
 */
import type { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config/types';
import { dotNetTrim, safeSlice } from '../../src/mapping/text';
import { StateStore } from '../../src/state/store';
import { startLab, type Lab } from '../lab/fixture';
import { cycle, expectedCn, labConfig, readAnchoredGroups } from './engine-helpers';
import { mulberry32 } from '../lab/rng';

const GROUPS = 1000;
const SEED = Number(process.env.GWB_HOSTILE_SEED ?? Math.floor(Math.random() * 1_000_000));

const PIECES = [
  ',', '+', '"', '\\', '<', '>', ';', '=', '#', ' ', '  ', '*', '(', ')', '\\2a', '\\00', '/', '|', '&', '!', '~',
  '\u0000', '\u0001', '\t', '\n', '\r', '\u001f', '\u007f', '\u0085', '\u00a0', '\u200b', '\u200d', '\ufeff',
  '😀', '𝔸𝔹', '👩‍👩‍👧', 'e\u0301', 'n\u0303\u0327', 'שלום עולם', 'مرحبا بالعالم', '\u202eevil\u202c', 'Ωμέγα', '中文组', 'Ärger',
  '*)(cn=*', ')(|(objectClass=*)', '*)(msDS-ExternalDirectoryObjectId=*', 'admin*', ',OU=Domain Controllers,DC=lab,DC=example,DC=com',
  'CN=Administrators,CN=Builtin', '\\,', '\\#', '%00', '${jndi:ldap://x}', "'; DROP TABLE groups; --",
  'Sales', 'Finance Team', 'x',
];

/** Fixed hard cases first, then random mixes of the pieces. */
function names(rng: () => number): string[] {
  const long = 'A'.repeat(51);
  const fixed = [
    '#leading hash', ' leading space', 'trailing space ', '   ', '  #both  ', 'Finance Team', 'FINANCE TEAM', 'finance team',
    `${long}1`, `${long}2`, `${long}😀`, `${'B'.repeat(50)}😀tail`, `${'C'.repeat(50)}e\u0301`, 'x'.repeat(256),
    '\u0000', 'NUL\u0000inside', '*', '*)(cn=*', '\\', '"', '#', ',', '=', '+', ';', '<>', 'a\nb', '\u202eevil\u202c',
  ];
  const out = [...fixed];
  while (out.length < GROUPS) {
    const n = 1 + Math.floor(rng() * 6);
    let s = '';
    for (let i = 0; i < n; i++) s += PIECES[Math.floor(rng() * PIECES.length)];
    if (rng() < 0.1) s = s.repeat(1 + Math.floor(rng() * 10));
    out.push(safeSlice(s, 0, 256)); // Entra's displayName limit
  }
  return out;
}

let lab: Lab;
let ad: Client;
let config: ResolvedConfig;
const groups: { id: string; displayName: string; description: string }[] = [];

beforeAll(async () => {
  console.log(`hostile names seed ${SEED} (GWB_HOSTILE_SEED=${SEED} to replay)`);
  const rng = mulberry32(SEED);
  lab = await startLab();
  const all = names(rng);
  all.forEach((displayName, i) => {
    const description = safeSlice(`${all[(i * 7 + 3) % all.length]} ${PIECES[i % PIECES.length].repeat(1 + (i % 90))}`, 0, 1024);
    const g = lab.store!.addGroup({ displayName, description, mailEnabled: false, securityEnabled: true, mailNickname: `hostile${i}` });
    groups.push({ id: g.id, displayName, description });
  });
  config = labConfig(lab, (doc) => {
    doc.safety.deleteThreshold = 0;
  });
  ad = await lab.dc.connect('admin');
}, 300_000);

afterAll(async () => {
  await ad?.unbind().catch(() => undefined);
  await lab?.stop();
});

describe('hostile names', () => {
  it('1,000 groups: each provisioned with the documented cn or refused on its own; the next cycle writes nothing', async () => {
    const first = await cycle(config);
    const failed = StateStore.open(config.state.path).store.doc.failed;
    console.log(`hostile names: ${first.summary.groups.created} created, ${first.summary.errors} refused`, first.summary.errorSamples.slice(0, 3));

    const inAd = new Map((await readAnchoredGroups(ad, lab.dc.baseDn)).map((g) => [g.anchor!.slice(6), g]));
    let refused = 0;
    let retriedAdds = 0; // refused by the directory itself: the next cycle tries the add again
    for (const g of groups) {
      const description = safeSlice(dotNetTrim(g.description), 0, 448); // Left(Trim([description]),448)
      // NUL cannot be stored in AD (the only documented refusal): the group is refused with its own error.
      if (g.displayName.includes('\u0000') || description.includes('\u0000')) {
        refused++;
        expect(inAd.has(g.id), JSON.stringify(g.displayName)).toBe(false);
        expect(failed[g.id]?.error.code, JSON.stringify(g.displayName)).toBe('MappingOutputInvalid');
        expect(failed[g.id]?.error.message).toMatch(/NUL \(U\+0000\)/);
        continue;
      }
      const got = inAd.get(g.id);
      if (!got) {
        // Any other refusal must be this group's own error (the directory refused a value), nothing silent.
        expect(failed[g.id]?.error.code, JSON.stringify(g.displayName)).toMatch(/^(InvalidAttributeSyntax|ConstraintViolation|MappingOutputInvalid)$/);
        console.log(`refused by the directory: ${JSON.stringify(g.displayName)}: ${failed[g.id].error.message}`);
        refused++;
        if (failed[g.id].error.code !== 'MappingOutputInvalid') retriedAdds++;
        continue;
      }
      expect(got!.cn, JSON.stringify(g.displayName)).toBe(expectedCn(g.displayName, g.id));
      expect(got!.displayName, JSON.stringify(g.displayName)).toBe(g.displayName);
      expect(got!.description ?? '', JSON.stringify(g.description)).toBe(description);
    }
    expect(Object.keys(failed)).toHaveLength(refused);
    expect(first.summary.errors).toBe(refused);
    expect(first.summary.groups.created).toBe(GROUPS - refused);
    expect(first.summary.groups.created).toBe(inAd.size);

    // The next cycle (full: every group compared with AD) writes nothing; the refused are refused again, unwritten.
    const second = await cycle(config, { full: true });
    expect(second.ldap.writes).toBe(retriedAdds);
    expect(second.ldap.adds).toBe(retriedAdds);
    expect(second.summary.errors).toBe(refused);
  }, 300_000);
});
