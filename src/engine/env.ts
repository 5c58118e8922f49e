/** Everything one cycle's steps share. */
import type { ResolvedConfig } from '../config/types';
import type { ChangedGroup } from '../model/directory';
import type { Source, Target } from '../model/ports';
import type { HeldAction, StateDoc } from '../state/types';
import type { CycleGroupRefs } from './group-refs';
import type { GroupMapper } from './map';
import type { MemberResolver } from './members';
import type { DeltaMembers } from './delta-members';
import type { MemberTable } from './member-table';
import type { Recorder } from './recorder';

export interface CycleEnv {
  config: ResolvedConfig;
  source: Source;
  target: Target;
  mapper: GroupMapper;
  /** The state being updated (a copy in dry runs). */
  doc: StateDoc;
  rec: Recorder;
  refs: CycleGroupRefs;
  resolver: MemberResolver;
  signal: AbortSignal;
  dryRun: boolean;
  now: () => Date;
  /** Members read with the groups (full cycles: the initial delta round); other groups' members come from Graph. */
  members?: MemberTable;
  /** Delta cycles: the member adds/removes the round carried, per changed group (applied directly where safe). */
  deltaMembers?: DeltaMembers;
  /** Managed groups changed in AD outside the engine since the last cycle (drift), by cloud group id. */
  drift?: Map<string, ChangedGroup>;
  /** Persist progress so far (state + log); absent in dry runs. */
  checkpoint?: () => Promise<void>;
  /** Member removals the member-removal guard held this cycle (one batch at the end of the member phase). */
  memberHolds: HeldAction[];
}
