// The hidden fast path behind shell completion: topic, group or profile names for the
// command line being completed. Reads the connection flags among its words, resolves them as
// every command does (connection.ts), never starts the local broker, and prints nothing when
// the cluster does not answer within the deadline (the caller's TAB must stay quick).

import { resolveConnection, type ConnectionFlags } from './connection.js';
import { profileNames, readConfig } from './config.js';

export type NameKind = 'topics' | 'groups' | 'profiles';

/**
 * Shell words of a command line as bash has it in COMP_LINE (quotes and backslashes
 * removed). bash's own COMP_WORDS split at ':' and '=', which would cut HOST:PORT apart.
 */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      cur += end < 0 ? line.slice(i + 1) : line.slice(i + 1, end);
      i = end < 0 ? line.length : end;
      inWord = true;
    } else if (c === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) i++;
        cur += line[i++];
      }
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** The connection flags in a command line (--flag VALUE, --flag=VALUE, -bVALUE). */
export function connectionFlags(words: string[]): ConnectionFlags {
  const flags: ConnectionFlags = {};
  const X: string[] = [];
  const valued: Record<string, (v: string) => void> = {
    '--bootstrap-server': (v) => (flags['bootstrap-server'] = v),
    '--broker-list': (v) => (flags['bootstrap-server'] = v),
    '--brokers': (v) => (flags['bootstrap-server'] = v),
    '-b': (v) => (flags['bootstrap-server'] = v),
    '--profile': (v) => (flags.profile = v),
    '--command-config': (v) => (flags['command-config'] = v),
    '--command-property': (v) => X.push(v),
    '-X': (v) => X.push(v),
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '--local') {
      flags.local = true;
      continue;
    }
    const eq = w.indexOf('=');
    if (w.startsWith('--') && eq > 0 && valued[w.slice(0, eq)]) {
      valued[w.slice(0, eq)](w.slice(eq + 1));
    } else if (valued[w]) {
      if (i + 1 < words.length && words[i + 1] !== '') valued[w](words[++i]);
    } else if (/^-[bX]./.test(w)) {
      valued[w.slice(0, 2)](w.slice(2));
    }
  }
  if (X.length) flags.X = X;
  return flags;
}

async function brokersFor(words: string[]): Promise<{ brokers: string[]; properties: Record<string, string> } | undefined> {
  const resolved = resolveConnection(connectionFlags(words));
  if (resolved.brokers) return { brokers: resolved.brokers, properties: resolved.properties };
  // --local or nothing configured: the local broker, only when it already runs
  const [{ runningBroker }, { localPaths }] = await Promise.all([import('../local/daemon.js'), import('../local/paths.js')]);
  const running = await runningBroker(localPaths());
  if (!running) return undefined;
  const host = running.host === '0.0.0.0' ? '127.0.0.1' : running.host;
  return { brokers: [`${host}:${running.port}`], properties: resolved.properties };
}

/** HOST:PORT and [v6]:PORT → host and port. */
function hostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port: Number(address.slice(i + 1)) };
}

/**
 * Plaintext clusters: kt's own small wire client (no kafkajs to load, one round trip for
 * topics: Metadata v1; ListGroups v0 on every broker for groups). The versions are the oldest
 * that answer these questions, so every Kafka since 0.10 understands them.
 */
async function plaintextNames(kind: 'topics' | 'groups', brokers: string[]): Promise<string[]> {
  const { WireClient } = await import('../client/wireClient.js');
  const { Metadata } = await import('../protocol/apis/metadata.js');
  const open: Array<{ close(): void }> = [];
  try {
    let first: import('../client/wireClient.js').WireClient | undefined;
    for (const b of brokers) {
      try {
        const { host, port } = hostPort(b);
        first = await WireClient.connect(host, port, { clientId: 'kt-complete', timeoutMs: 800 });
        open.push(first);
        break;
      } catch {
        // next bootstrap address
      }
    }
    if (!first) return [];
    const md = await first.request(Metadata, 1, { topics: null } as never);
    if (kind === 'topics') return md.topics.filter((t) => t.errorCode === 0 && !t.isInternal).map((t) => t.name as string).sort();
    const { ListGroups } = await import('../protocol/apis/listGroups.js');
    const names = await Promise.all(md.brokers.map(async (b) => {
      try {
        const c = await WireClient.connect(b.host, b.port, { clientId: 'kt-complete', timeoutMs: 800 });
        open.push(c);
        const r = await c.request(ListGroups, 0, {} as never);
        return r.groups.map((g) => g.groupId);
      } catch {
        return [];
      }
    }));
    return [...new Set(names.flat())].sort();
  } finally {
    for (const c of open) c.close();
  }
}

/** SASL or TLS: kafkajs, as every command connects. */
async function securedNames(kind: 'topics' | 'groups', target: { brokers: string[]; properties: Record<string, string> }): Promise<string[]> {
  const { openKafka } = await import('../client/index.js');
  const h = await openKafka({ brokers: target.brokers, properties: target.properties, source: 'flag', debug: false }, { clientId: 'kt-complete' });
  const admin = h.kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    if (kind === 'topics') return (await admin.listTopics()).filter((t) => !t.startsWith('__')).sort();
    return (await admin.listGroups()).groups.map((g) => g.groupId).sort();
  } finally {
    void admin.disconnect().catch(() => undefined);
  }
}

async function clusterNames(kind: 'topics' | 'groups', words: string[]): Promise<string[]> {
  const target = await brokersFor(words);
  if (!target) return [];
  const protocol = (target.properties['security.protocol'] ?? 'PLAINTEXT').toUpperCase();
  return protocol === 'PLAINTEXT' ? plaintextNames(kind, target.brokers) : securedNames(kind, target);
}

/**
 * Names for completion; [] on any error or after `deadlineMs` (the work is abandoned, the
 * process exits when the command returns).
 */
export async function completeNames(kind: NameKind, words: string[], deadlineMs: number): Promise<string[]> {
  const work = (async (): Promise<string[]> => {
    if (kind === 'profiles') return profileNames(readConfig());
    return clusterNames(kind, words);
  })().catch(() => [] as string[]);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<string[]>((resolve) => {
    timer = setTimeout(() => resolve([]), deadlineMs);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
