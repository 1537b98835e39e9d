import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base.js';
import { stopLocalBroker } from '../../local/daemon.js';

export default class LocalStop extends BaseCommand {
  static override summary = 'Stop the bundled broker gracefully (flush, fsync, close).';
  static override examples = ['<%= config.bin %> local stop'];
  static override flags = {
    'data-dir': Flags.string({ description: 'data directory of the broker to stop [default: $KT_DATA_DIR or ~/.local/share/kt]' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(LocalStop);
    const stopped = await stopLocalBroker(flags['data-dir']);
    process.stderr.write(stopped ? 'kt: stopped the local broker\n' : 'kt: the local broker is not running\n');
  }
}
