/**
 * `access` (Get-GroupWritebackAccess): for one user, where access to each in-scope group stands — Entra (direct
 * or through an access package, with the assignment's end), AD, when it was written, and whether the user's
 * current Kerberos ticket can carry it yet (GroupWriteback.AccessEntry, one per group). Reads only.
 */
import { defineOperation } from '../core/operation';
import { tgtIssuedAt } from '../directory/ccache';
import { userAccess } from '../engine/access';
import { configFor, openStore, withPorts, type ConfigParams } from './engine-support';

export const ACCESS_ENTRY_TYPE = 'GroupWriteback.AccessEntry';

export interface AccessParams extends ConfigParams {
  /** userPrincipalName or object id. */
  user: string;
  /** Group object ids or display names; default every in-scope group. */
  groups?: string[];
  /** The user's Kerberos credential cache (FILE:): the TGT's issue time decides whether the ticket has the group. */
  ccache?: string;
}

export const accessOp = defineOperation<AccessParams>({
  name: 'access',
  summary: "Show one user's access to each in-scope group: Entra ID (direct / access package), AD, when written, and whether the user's Kerberos ticket has it yet.",
  output: 'list',
  async run(params, ctx) {
    const config = configFor(params, ctx);
    const store = await openStore(config, ctx);
    let ticketIssuedAt: string | undefined;
    if (params.ccache) {
      const tgt = tgtIssuedAt(params.ccache);
      if (tgt) ticketIssuedAt = tgt.issuedAt;
      else ctx.sink.warn(`The credential cache ${params.ccache} holds no ticket-granting ticket: falling back to the user's lastLogon.`);
    }
    const entries = await withPorts(config, ctx, ({ ports }) =>
      userAccess(
        { config, source: ports.source, target: ports.target, doc: store.doc, logDir: store.logDir, warn: (m) => ctx.sink.warn(m), signal: ctx.signal },
        { user: params.user, ...(params.groups?.length ? { groups: params.groups } : {}), ...(ticketIssuedAt ? { ticketIssuedAt } : {}) },
      ),
    );
    for (const e of entries) ctx.sink.result(ACCESS_ENTRY_TYPE, e);
  },
});
