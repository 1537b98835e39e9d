import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base.js';
import fs from 'node:fs';
import { localPaths } from '../../local/paths.js';

export default class LocalLogs extends BaseCommand {
  static override summary = "Print the bundled broker's log.";
  static override examples = ['<%= config.bin %> local logs', '<%= config.bin %> local logs -f', '<%= config.bin %> local logs -n 20'];
  static override flags = {
    follow: Flags.boolean({ char: 'f', description: 'keep printing new lines as they are written (Ctrl-C ends)' }),
    lines: Flags.integer({ char: 'n', description: 'print only the last N lines', min: 0 }),
    'data-dir': Flags.string({ description: 'data directory of the broker [default: $KT_DATA_DIR or ~/.local/share/kt]' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(LocalLogs);
    const file = localPaths(flags['data-dir']).log;
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      if (!flags.follow) {
        process.stderr.write(`kt: no log yet (${file})\n`);
        return;
      }
    }
    if (flags.lines !== undefined) {
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      text = lines.slice(Math.max(0, lines.length - flags.lines)).join('\n') + (lines.length ? '\n' : '');
    }
    process.stdout.write(text);
    if (!flags.follow) return;
    let pos = Buffer.byteLength(fs.existsSync(file) ? fs.readFileSync(file) : '');
    await new Promise<void>(() => {
      setInterval(() => {
        let size = 0;
        try {
          size = fs.statSync(file).size;
        } catch {
          return;
        }
        if (size < pos) pos = 0; // truncated
        if (size === pos) return;
        const fd = fs.openSync(file, 'r');
        const buf = Buffer.alloc(size - pos);
        fs.readSync(fd, buf, 0, buf.length, pos);
        fs.closeSync(fd);
        pos = size;
        process.stdout.write(buf);
      }, 250);
    });
  }
}
