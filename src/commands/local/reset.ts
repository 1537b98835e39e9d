import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base.js';
import { confirmOrYes } from '../../cli/prompt.js';
import fs from 'node:fs';
import { stopLocalBroker } from '../../local/daemon.js';
import { localPaths } from '../../local/paths.js';

export default class LocalReset extends BaseCommand {
  static override summary = "Delete the bundled broker's data (topics, records, committed offsets).";
  static override description = 'Stops the broker first when it is running. Asks for confirmation on a terminal unless --yes (scripts without a terminal are not asked).';
  static override examples = ['<%= config.bin %> local reset', '<%= config.bin %> local reset --yes'];
  static override flags = {
    yes: Flags.boolean({ char: 'y', description: 'do not ask for confirmation' }),
    'data-dir': Flags.string({ description: 'data directory of the broker [default: $KT_DATA_DIR or ~/.local/share/kt]' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(LocalReset);
    this.applyGlobalFlags(flags);
    const p = localPaths(flags['data-dir']);
    if (!(await confirmOrYes(`Delete all local broker data in ${p.brokerData}?`, flags.yes))) {
      process.stderr.write('kt: nothing deleted\n');
      return;
    }
    // a broker still starting holds the data directory too: stopped as well
    const wasRunning = await stopLocalBroker(p.root);
    fs.rmSync(p.brokerData, { recursive: true, force: true });
    process.stderr.write(`kt: deleted the local broker data in ${p.brokerData}${wasRunning ? ' (broker stopped; start: kt local start)' : ''}\n`);
  }
}
