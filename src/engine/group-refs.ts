/**
 * Resolving nested group members: a member group is written only if it is itself provisioned (in scope, with
 * its AD object). What the cycle learned (provisioned this cycle, failed, out of scope) answers first; other
 * ids are looked up in bulk in Entra and by anchor in AD.
 */
import type { ResolvedConfig } from '../config/types';
import type { Source, Target } from '../model/ports';
import type { GroupRef, GroupRefResolver } from './members';
import { scopeGroup } from './scope';
import { anchorOf } from './types';

export function outOfScopeMemberReason(scopeReason: string): string {
  if (scopeReason.startsWith('synced from AD')) return 'synced group (its source of authority is on-premises)';
  return `out-of-scope group (${scopeReason})`;
}

export class CycleGroupRefs implements GroupRefResolver {
  /** In-scope groups whose AD object is in place this cycle: id → DN. */
  readonly provisioned = new Map<string, string>();
  /** In-scope groups whose object phase failed: id → why. */
  readonly failed = new Map<string, string>();
  /** Groups known to be out of scope this cycle: id → scope reason. */
  readonly outOfScope = new Map<string, string>();
  /** A full cycle knows every group: unknown ids are not in Entra (deleted). */
  complete = false;

  constructor(
    private readonly source: Source,
    private readonly target: Target,
    private readonly scope: ResolvedConfig['scope'],
  ) {}

  async resolveGroups(ids: string[], signal?: AbortSignal): Promise<Map<string, GroupRef>> {
    const out = new Map<string, GroupRef>();
    const unknown: string[] = [];
    for (const id of ids) {
      const dn = this.provisioned.get(id);
      if (dn) out.set(id, { dn });
      else if (this.failed.has(id)) out.set(id, { reason: `nested group not provisioned (${this.failed.get(id)})` });
      else if (this.outOfScope.has(id)) out.set(id, { reason: outOfScopeMemberReason(this.outOfScope.get(id)!) });
      else if (this.complete) out.set(id, { reason: 'group not found in Entra (deleted?)' });
      else unknown.push(id);
    }
    if (!unknown.length) return out;
    const found = new Map((await this.source.getGroups(unknown, signal)).map((g) => [g.id.toLowerCase(), g]));
    for (const id of unknown) {
      const g = found.get(id);
      if (!g) {
        out.set(id, { reason: 'group not found in Entra (deleted?)' });
        continue;
      }
      const d = scopeGroup(g, this.scope);
      if (!d.inScope) {
        this.outOfScope.set(id, d.reason);
        out.set(id, { reason: outOfScopeMemberReason(d.reason) });
        continue;
      }
      const ad = await this.target.findByAnchor(anchorOf(id));
      if (ad.length === 1) {
        this.provisioned.set(id, ad[0].dn);
        out.set(id, { dn: ad[0].dn });
      } else if (ad.length > 1) {
        out.set(id, { reason: `nested group has ${ad.length} AD objects with its anchor (DuplicateTargetEntries)` });
      } else {
        out.set(id, { reason: 'nested group not provisioned yet (it is created by its own change; retried then)' });
      }
    }
    return out;
  }
}
