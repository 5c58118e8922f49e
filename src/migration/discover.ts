/**
 * Discovery: every Connect-written group under a search base (adminDescription Group_…), with its cloud group and
 * the decision of classify.ts. Reads only.
 */
import type { EventSink } from '../core/events';
import { CancelledError } from '../core/errors';
import type { ResolvedConfig } from '../config/types';
import type { CloudGroup } from '../model/cloud';
import type { AdGroup } from '../model/directory';
import type { Source } from '../model/ports';
import { groupIdOfAnchor } from '../engine/types';
import { adAttribute } from '../engine/match';
import { classify, type MigrationGroup } from './classify';

/** What discovery needs of the directory: the Connect-marked groups under the search base. */
export interface ConnectGroupReader {
  listConnectGroups(signal?: AbortSignal): AsyncIterable<AdGroup[]>;
}

export interface DiscoverOptions {
  config: ResolvedConfig;
  source: Source;
  directory: ConnectGroupReader;
  sink: EventSink;
  signal?: AbortSignal;
}

export async function discover(o: DiscoverOptions): Promise<MigrationGroup[]> {
  const adGroups: AdGroup[] = [];
  o.sink.progress({ activityId: 1, activity: 'Migration discovery', status: 'Reading Connect-written groups from AD', percent: 10 });
  for await (const page of o.directory.listConnectGroups(o.signal)) {
    if (o.signal?.aborted) throw new CancelledError();
    adGroups.push(...page);
  }
  const ids = [...new Set(adGroups.map((g) => groupIdOfAnchor(String(adAttribute(g, 'adminDescription') ?? ''))).filter((x): x is string => !!x))];
  o.sink.progress({ activityId: 1, activity: 'Migration discovery', status: `Reading ${ids.length} cloud group(s)`, percent: 50 });
  const cloud = new Map<string, CloudGroup>();
  for (let i = 0; i < ids.length; i += 1000) {
    for (const g of await o.source.getGroups(ids.slice(i, i + 1000), o.signal)) cloud.set(g.id.toLowerCase(), g);
  }
  const missing = ids.some((id) => !cloud.has(id));
  const softDeleted = missing ? new Set([...(await o.source.listDeletedGroupIds(o.signal))].map((x) => x.toLowerCase())) : new Set<string>();
  o.sink.progress({ activityId: 1, activity: 'Migration discovery', status: 'Done', percent: 100, completed: true });
  return classify({ adGroups, cloud, softDeleted, scope: o.config.scope });
}
