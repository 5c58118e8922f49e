/** `config.get` (Get-GroupWritebackConfiguration): the settings in effect, defaults filled in, no secrets. */
import { defineOperation } from '../core/operation';
import { readConfigDocument, requireConfigPath } from './config-file';
import { CONFIGURATION_TYPE, configurationView } from './config-view';

export interface ConfigGetParams {
  configPath: string;
}

export const configGetOp = defineOperation<ConfigGetParams>({
  name: 'config.get',
  summary: 'Show a configuration: the settings in effect (defaults filled in) and where its secrets come from.',
  output: 'single',
  async run(params, { sink }) {
    const path = requireConfigPath(params.configPath);
    sink.result(CONFIGURATION_TYPE, configurationView(path, readConfigDocument(path)));
  },
});
