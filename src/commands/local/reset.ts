import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base.js';
import { confirmOrRefuse } from '../../cli/prompt.js';
import fs from 'node:fs';
import { stopLocalBroker } from '../../local/daemon.js';
import { localPaths } from '../../local/paths.js';

export default class LocalReset extends BaseCommand {
  static override summary = "Delete the bundled broker's data (topics, records, committed offsets).";
  static override description = 'Stops the broker first when it is running. Asks for confirmation on a terminal unless --yes; without a terminal to ask (stdin or stderr redirected, or CI set) it refuses unless --yes (exit 2).';
  static override examples = ['<%= config.bin %> local reset', '<%= config.bin %> local reset --yes'];
  static override flags = {
    yes: Flags.boolean({ char: 'y', description: 'do not ask for confirmation' }),
    'data-dir': Flags.string({ description: 'data directory of the broker [default: $KT_DATA_DIR or ~/.local/share/kt]' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(LocalReset);
    const p = localPaths(flags['data-dir']);
    await confirmOrRefuse(`Delete all local broker data in ${p.brokerData}?`, { yes: flags.yes, action: 'delete the local broker data', nothing: 'deleted' });
    // a broker still starting holds the data directory too: stopped as well
    const wasRunning = await stopLocalBroker(p.root);
    fs.rmSync(p.brokerData, { recursive: true, force: true });
    process.stderr.write(`kt: deleted the local broker data in ${p.brokerData}${wasRunning ? ' (broker stopped; start: kt local start)' : ''}\n`);
  }
}
