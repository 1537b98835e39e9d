import { Flags } from '@oclif/core';
import { KtCommand, type Connection } from '../../cli/base.js';
import { KtError, UsageError } from '../../cli/errors.js';
import type { CheckResult } from '../../client/cluster.js';
import { sleep } from '../../sleep.js';

export default class ClusterCheck extends KtCommand {
  static override summary = 'CI smoke check: exit 0 when the cluster answers, the topics exist and every partition is fully replicated, else 1.';
  static override description =
    'Connects, asks for the cluster metadata (no topic is ever auto-created) and checks that every --topic ' +
    'exists and has a leader for each partition. It also fails when a broker is down or a partition is ' +
    'under-replicated: Metadata names a replica on a broker that is not in the cluster, or a partition\'s ISR is ' +
    'smaller than its replica set (any topic, internal ones too) - the cluster still serves, but one more ' +
    'failure may lose data or availability. Success: one line on stdout, exit 0. Failure: nothing on ' +
    'stdout, one line on stderr with the reason (e.g. "kt: error: cluster check failed: topic \'orders\' does ' +
    'not exist", "cluster check failed: broker 2 is down (named as replica, missing from the cluster); 18 ' +
    'partitions are under-replicated: orders-0, ..."), exit 1. An unreachable broker fails within 10 s; --wait ' +
    'keeps retrying for up to that long (for a cluster that is still starting, or a broker rejoining).\n\n' +
    'It never starts the bundled broker: with no --bootstrap-server, --profile, KT_PROFILE, KT_BOOTSTRAP_SERVERS ' +
    'or current profile it checks the local broker only if it is running and kt runs in a terminal; in CI ' +
    '(CI set) or without a terminal it fails with exit 2. --local checks the local broker if it is running.\n\n' +
    'JSON (--json): {"ok":true,"clusterId":"kt-local","controller":0,"brokers":1,"topics":[{"name":"orders","partitions":3}]}; ' +
    'on failure {"ok":false,"error":"topic \'orders\' does not exist","exitCode":1} (and the error line on stderr); ' +
    'a replication failure adds "brokersDown":[2],"underReplicated":["orders-0",...],"offline":[...].';
  static override enableJsonFlag = true;
  static override examples = [
    'kt cluster check',
    'kt cluster check --topic orders --topic payments',
    'kt cluster check -b localhost:9092 --topic orders --wait 60s',
    'kt cluster check --topic orders --json',
    'kt cluster check --local --topic orders   # the bundled broker, only if it is already running (never started)',
    'kt cluster check -b kafka1:9092 --wait 5m   # after a rolling restart: until every replica is back in sync',
  ];
  static override flags = {
    topic: Flags.string({ char: 't', summary: 'A topic that must exist (repeatable, or T1,T2).', multiple: true, multipleNonGreedy: true, helpValue: 'TOPIC' }),
    wait: Flags.string({ summary: 'Keep retrying a failing check for up to this long (e.g. 30s, 2m, or ms).', helpValue: 'DURATION' }),
  };

  async run(): Promise<CheckResult> {
    const { flags } = await this.parse(ClusterCheck);
    const topics = (flags.topic ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
    let waitMs = 0;
    if (flags.wait !== undefined) {
      const { parseDuration } = await import('../../format/offset.js');
      const w = /^\d+$/.test(flags.wait) ? Number(flags.wait) : parseDuration(flags.wait);
      if (w === null) throw new UsageError(`invalid --wait '${flags.wait}'; expected a duration such as 30s, 2m or a number of ms`);
      waitMs = w;
    }
    try {
      return await this.check(flags, topics, waitMs);
    } catch (err) {
      // --json: a failure is a document too, so a script can read the reason from stdout.
      if (this.jsonEnabled() && err instanceof Error) {
        const { describeError, exitCodeOf } = await import('../../cli/errors.js');
        const health = (err as { health?: import('../../client/cluster.js').ReplicationHealth }).health;
        this.logJson({ ok: false, error: describeError(err).replace(/^cluster check failed: /, ''), exitCode: exitCodeOf(err), ...(health ?? {}) });
      }
      throw err;
    }
  }

  /**
   * Where to check: what the user named (--bootstrap-server, --profile, KT_PROFILE,
   * KT_BOOTSTRAP_SERVERS, the current profile, --local). A smoke check never starts the
   * bundled broker: with nothing named it checks the local broker only when it is already
   * running and a person is at the terminal; in CI or without a terminal it fails, because a
   * misspelled variable must not turn the check green against an empty throw-away broker.
   */
  private async target(flags: Parameters<KtCommand['connection']>[0]): Promise<Connection> {
    return this.connection(flags, {
      local: async (resolved) => {
        if (resolved.source !== 'local') {
          const { canPrompt } = await import('../../cli/output.js');
          if (!canPrompt({})) {
            throw new UsageError(
              'no cluster to check: no --bootstrap-server, --profile, KT_PROFILE, KT_BOOTSTRAP_SERVERS or current profile is set',
              'pass -b HOST:PORT (or --local for the bundled broker); kt cluster check never starts a broker',
            );
          }
        }
        const { runningBroker } = await import('../../local/daemon.js');
        const running = await runningBroker();
        if (!running) {
          throw new KtError('cluster check failed: the bundled local broker is not running (kt cluster check never starts it)', {
            hint: 'start it with kt local start, or pass -b HOST:PORT',
          });
        }
        return [running.bootstrap];
      },
    });
  }

  private async check(flags: Parameters<KtCommand['connection']>[0], topics: string[], waitMs: number): Promise<CheckResult> {
    const conn = await this.target(flags);
    const [{ openKafka }, { withSession }, { checkCluster }] = await Promise.all([
      import('../../client/index.js'),
      import('../../client/admin.js'),
      import('../../client/cluster.js'),
    ]);
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        const h = await openKafka(conn, { clientId: 'kt-check' });
        const r = await withSession(h, (s) => checkCluster(s, topics));
        const what = r.topics.length ? `; topics: ${r.topics.map((t) => `${t.name} (${t.partitions} partition${t.partitions === 1 ? '' : 's'})`).join(', ')}` : '';
        this.log(`OK: cluster ${r.clusterId ?? '-'}, ${r.brokers} broker${r.brokers === 1 ? '' : 's'}, controller ${r.controller ?? 'none'}${what}`);
        return r;
      } catch (err) {
        if (Date.now() + 500 < deadline) {
          await sleep(500);
          continue;
        }
        const msg = err instanceof Error ? err.message : String(err);
        const failed = new KtError(`cluster check failed: ${msg}`, { hint: (err as KtError).hint, cause: err });
        throw Object.assign(failed, { health: (err as { health?: unknown }).health });
      }
    }
  }
}
