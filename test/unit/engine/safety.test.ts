import { describe, expect, it } from 'vitest';
import { emptyState } from '../../../src/state/types';
import { approveBatch, assertNotQuarantined, clearQuarantine, createHeldBatch, partitionByThreshold, pendingHeldGroupIds, recordSuccess, recordTotalFailure } from '../../../src/engine/safety';
import { lifecycleAction, lifecycleKind, transitionDue } from '../../../src/engine/lifecycle';
import type { LifecycleAction } from '../../../src/engine/types';
import { GwbError } from '../../../src/core/errors';

const lc = { onSoftDelete: 'empty', onPermanentDelete: 'delete', onScopeExit: 'leave' } as const;
const ad = (i: number) => ({ dn: `CN=g${i},OU=x`, objectGuid: `guid-${i}`, objectSid: '', anchor: `Group_${i}`, attributes: {} });
const act = (i: number, cause: LifecycleAction['cause'] = 'permanentDelete') => lifecycleAction(cause, lc, ad(i), `id-${i}`, null);

describe('lifecycle rules', () => {
  it('maps causes to the configured actions (defaults: soft → empty, permanent → delete, scope exit → leave)', () => {
    expect(lifecycleKind('softDelete', lc)).toBe('empty');
    expect(lifecycleKind('permanentDelete', lc)).toBe('delete');
    expect(lifecycleKind('scopeExit', lc)).toBe('leave');
    expect(lifecycleKind('scopeExit', { ...lc, onScopeExit: 'convertToDistribution' })).toBe('convertToDistribution');
    expect(act(1, 'scopeExit').reason).toMatch(/left the provisioning scope: leave the AD group as it is \(lifecycle.onScopeExit = leave\); no longer managed/);
  });
  it('never acts on released groups; soft delete acts once', () => {
    expect(transitionDue('permanentDelete', 'released')).toBe(false);
    expect(transitionDue('softDelete', 'softDeleted')).toBe(false);
    expect(transitionDue('permanentDelete', 'softDeleted')).toBe(true);
  });
});

describe('delete threshold', () => {
  it('applies up to the threshold, holds everything above it, leaves "leave" actions alone', () => {
    const five = [1, 2, 3, 4, 5].map((i) => act(i));
    expect(partitionByThreshold(five, 5, new Set()).hold).toHaveLength(0);
    const six = [...five, act(6), act(7, 'scopeExit')];
    const r = partitionByThreshold(six, 5, new Set());
    expect(r.hold.map((a) => a.groupId)).toEqual(['id-1', 'id-2', 'id-3', 'id-4', 'id-5', 'id-6']);
    expect(r.apply.map((a) => a.kind)).toEqual(['leave']);
    expect(partitionByThreshold(six, 0, new Set()).hold).toHaveLength(0);
  });
  it('counts empties and conversions too, and does not recount pending ones', () => {
    const acts = [act(1, 'softDelete'), act(2, 'softDelete'), act(3)];
    expect(partitionByThreshold(acts, 2, new Set()).hold).toHaveLength(3);
    const r = partitionByThreshold(acts, 2, new Set(['id-1', 'id-2']));
    expect(r.pending).toHaveLength(2);
    expect(r.apply.map((a) => a.groupId)).toEqual(['id-3']);
  });
  it('approves exactly one held batch', () => {
    const doc = emptyState();
    expect(() => approveBatch(doc)).toThrow(/No deletes are held/);
    const b1 = createHeldBatch(doc, 'c1', [act(1)], 0);
    const b2 = createHeldBatch(doc, 'c2', [act(2)], 0);
    expect(() => approveBatch(doc)).toThrow(/2 batches are held/);
    expect(approveBatch(doc, b2.id).status).toBe('approved');
    expect(() => approveBatch(doc, b2.id)).toThrow(/already approved/);
    expect(approveBatch(doc).id).toBe(b1.id);
    expect(pendingHeldGroupIds(doc)).toEqual(new Set(['id-1', 'id-2']));
  });
});

describe('quarantine', () => {
  it('quarantines after N consecutive total failures, success resets the count, reset clears it', () => {
    const doc = emptyState();
    const err = new GwbError('bind failed: 52e', { code: 'LdapBindOperationFailed', hint: 'Check the password.' });
    expect(recordTotalFailure(doc, err, 2)).toBeUndefined();
    recordSuccess(doc);
    expect(recordTotalFailure(doc, err, 2)).toBeUndefined();
    const q = recordTotalFailure(doc, err, 2);
    expect(q).toMatchObject({ reason: 'bind failed: 52e', code: 'LdapBindOperationFailed', failures: 2 });
    expect(() => assertNotQuarantined(doc)).toThrow(/quarantined since .* bind failed: 52e/);
    expect(clearQuarantine(doc)).toBeDefined();
    expect(() => assertNotQuarantined(doc)).not.toThrow();
    expect(doc.consecutiveFailures).toBe(0);
  });
});
