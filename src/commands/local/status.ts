import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base.js';
import fs from 'node:fs';
import path from 'node:path';
import { bootstrapOf, readState, runningBroker } from '../../local/daemon.js';
import { connectHost } from '../../local/host.js';
import { localPaths } from '../../local/paths.js';

export interface LocalStatus {
  running: boolean;
  pid: number | null;
  address: string | null;
  uptimeMs: number | null;
  memory: boolean;
  topics: number | null;
  groups: number | null;
  bytesOnDisk: number;
  dataDir: string;
  /** The listener's security protocol (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL). */
  securityProtocol: string;
}

function du(dir: string): number {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += du(p);
    else if (e.isFile()) total += fs.statSync(p).size;
  }
  return total;
}

function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return [d && `${d}d`, (d || h) && `${h}h`, (d || h || m) && `${m}m`, `${s % 60}s`].filter(Boolean).join(' ');
}

export default class LocalStatusCommand extends BaseCommand {
  static override summary = 'Show whether the bundled broker runs, where, and what it holds.';
  static override description = 'Exit code 0 when the broker is running, 1 when it is not.';
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> local status', '<%= config.bin %> local status --json'];
  static override flags = {
    'data-dir': Flags.string({ description: 'data directory of the broker [default: $KT_DATA_DIR or ~/.local/share/kt]' }),
  };

  async run(): Promise<LocalStatus> {
    const { flags } = await this.parse(LocalStatusCommand);
    const p = localPaths(flags['data-dir']);
    const running = await runningBroker(p);
    const status: LocalStatus = {
      running: Boolean(running),
      pid: running?.pid ?? null,
      address: running?.bootstrap ?? null,
      uptimeMs: running?.startedAt ? Date.now() - running.startedAt : null,
      memory: Boolean(running?.memory),
      topics: null,
      groups: null,
      bytesOnDisk: du(p.brokerData),
      dataDir: p.root,
      securityProtocol: (running ?? readState(p))?.security?.protocol ?? 'PLAINTEXT',
    };
    // Topics and groups are counted over a plain connection: not on TLS or SASL listeners
    // (kt keeps no password to log in with).
    if (running && status.securityProtocol === 'PLAINTEXT') {
      const { WireClient } = await import('../../client/wireClient.js');
      const { Metadata } = await import('../../protocol/apis/metadata.js');
      const { ListGroups } = await import('../../protocol/apis/listGroups.js');
      const client = await WireClient.connect(connectHost(running.host), running.port, { clientId: 'kt-local-status' });
      try {
        const md = await client.request(Metadata, 1, { topics: null });
        status.topics = md.topics.length;
        const lg = await client.request(ListGroups, 0, {});
        status.groups = lg.groups.length;
      } finally {
        client.close();
      }
    }
    if (!this.jsonEnabled()) {
      if (running) {
        this.log(`running      yes (pid ${status.pid})`);
        this.log(`address      ${status.address}`);
        this.log(`security     ${status.securityProtocol}`);
        this.log(`uptime       ${formatDuration(status.uptimeMs ?? 0)}`);
        const secured = status.securityProtocol !== 'PLAINTEXT' ? ' (not counted on a secured listener)' : '';
        this.log(`topics       ${status.topics ?? '-'}${secured}`);
        this.log(`groups       ${status.groups ?? '-'}${secured}`);
      } else {
        const st = readState(p);
        this.log('running      no (start: kt local start)');
        if (st) this.log(`last address ${bootstrapOf(st)}`);
      }
      this.log(`storage      ${status.memory ? 'memory' : `${status.bytesOnDisk} bytes on disk`}`);
      this.log(`data dir     ${status.dataDir}`);
    }
    if (!running) process.exitCode = 1;
    return status;
  }
}
