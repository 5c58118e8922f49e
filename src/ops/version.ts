import { defineOperation } from '../core/operation';
import { versionInfo } from '../core/version';

export const versionOp = defineOperation<Record<string, never>>({
  name: 'version',
  summary: 'Show the core, protocol and Node.js versions.',
  output: 'single',
  async run(_params, { sink }) {
    sink.result('GroupWriteback.CoreVersion', versionInfo());
  },
});
