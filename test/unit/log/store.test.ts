// The store: topics and their metadata, partitions, configs, cluster id, broker meta, locking,
// crash safety. Semantics are checked on disk and in memory alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openStore, type Store } from '../../../src/broker/log/store.js';
import { KafkaError } from '../../../src/protocol/errors.js';
import { batch, recordsOf, tempDir } from './helpers.js';

const kafkaError = (name: string) => (e: unknown) => e instanceof KafkaError && e.name === name;

const IMPLS: { name: string; open: () => Store }[] = [
  { name: 'disk', open: () => openStore({ dataDir: tempDir() }) },
  { name: 'memory', open: () => openStore({ memory: true }) },
];

for (const impl of IMPLS) {
  const name = (s: string) => `${impl.name}: ${s}`;

  test(name('create, list, get, delete topics'), () => {
    const s = impl.open();
    assert.match(s.clusterId, /^[A-Za-z0-9_-]{22}$/);
    const t = s.createTopic('orders', 3, { 'retention.ms': '1000' });
    assert.equal(t.partitions, 3);
    assert.equal(t.id.length, 16);
    assert.deepEqual(t.configs, { 'retention.ms': '1000' });
    s.createTopic('payments');
    assert.equal(s.getTopic('payments')?.partitions, 1, 'num.partitions default');
    assert.deepEqual(s.listTopics().map((x) => x.name).sort(), ['orders', 'payments']);
    assert.equal(s.getTopicById(t.id)?.name, 'orders');
    assert.ok(s.partition('orders', 2));
    assert.equal(s.partition('orders', 3), undefined);
    assert.equal(s.partition('nope', 0), undefined);
    assert.equal(s.topicConfig('orders')?.retentionMs, 1000);
    s.deleteTopic('orders');
    assert.equal(s.getTopic('orders'), undefined);
    assert.equal(s.partition('orders', 0), undefined);
    assert.throws(() => s.deleteTopic('orders'), kafkaError('UNKNOWN_TOPIC_OR_PARTITION'));
    s.close();
  });

  test(name('createTopic rejects bad names, duplicates, collisions, partitions and configs'), () => {
    const s = impl.open();
    s.createTopic('a.b');
    assert.throws(() => s.createTopic('a.b'), kafkaError('TOPIC_ALREADY_EXISTS'));
    assert.throws(() => s.createTopic('a_b'), kafkaError('INVALID_TOPIC_EXCEPTION'));
    assert.throws(() => s.createTopic('bad name'), kafkaError('INVALID_TOPIC_EXCEPTION'));
    assert.throws(() => s.createTopic('..'), kafkaError('INVALID_TOPIC_EXCEPTION'));
    assert.throws(() => s.createTopic('x', 0), kafkaError('INVALID_PARTITIONS'));
    assert.throws(() => s.createTopic('x', 1, { 'retention.ms': 'soon' }), kafkaError('INVALID_CONFIG'));
    assert.throws(() => s.createTopic('x', 1, { 'no.such.config': '1' }), /Unknown topic config name: no.such.config/);
    const dry = s.createTopic('y', 2, {}, { validateOnly: true });
    assert.equal(dry.partitions, 2);
    assert.equal(s.getTopic('y'), undefined);
    assert.deepEqual(s.listTopics().map((t) => t.name), ['a.b']);
    s.close();
  });

  test(name('createPartitions adds partitions and only grows'), () => {
    const s = impl.open();
    s.createTopic('t', 2);
    s.partition('t', 0)?.append(batch(3));
    assert.throws(() => s.createPartitions('t', 2), kafkaError('INVALID_PARTITIONS'));
    assert.throws(() => s.createPartitions('t', 1), /currently has 2 partition\(s\); 1 would not be an increase/);
    assert.equal(s.createPartitions('t', 4, { validateOnly: true }).partitions, 4);
    assert.equal(s.getTopic('t')?.partitions, 2);
    assert.equal(s.createPartitions('t', 4).partitions, 4);
    assert.equal(s.partition('t', 3)?.logEndOffset, 0);
    assert.equal(s.partition('t', 0)?.logEndOffset, 3);
    s.close();
  });

  test(name('alterTopicConfigs sets and removes overrides and reaches the logs'), () => {
    const s = impl.open();
    s.createTopic('t', 1, { 'cleanup.policy': 'compact' });
    s.alterTopicConfigs('t', { 'message.timestamp.type': 'LogAppendTime', 'cleanup.policy': null });
    assert.deepEqual(s.getTopic('t')?.configs, { 'message.timestamp.type': 'LogAppendTime' });
    assert.equal(s.topicConfig('t')?.delete, true);
    const r = s.partition('t', 0)?.append(batch(1), 12345);
    assert.equal(r?.logAppendTime, 12345, 'the log uses the new config');
    assert.throws(() => s.alterTopicConfigs('t', { 'segment.bytes': '1' }), kafkaError('INVALID_CONFIG'));
    assert.throws(() => s.alterTopicConfigs('t', { bogus: null }), kafkaError('INVALID_CONFIG'));
    assert.throws(() => s.alterTopicConfigs('nope', {}), kafkaError('UNKNOWN_TOPIC_OR_PARTITION'));
    s.alterTopicConfigs('t', { 'retention.ms': '5' }, { validateOnly: true });
    assert.equal(s.getTopic('t')?.configs['retention.ms'], undefined);
    s.close();
  });

  test(name('deleting a topic drops its committed offsets; a re-created topic starts empty'), () => {
    const s = impl.open();
    s.createTopic('t', 1);
    s.partition('t', 0)?.append(batch(5));
    s.offsets.commit('g', [{ topic: 't', partition: 0, offset: 5, leaderEpoch: 0, metadata: null }, { topic: 'u', partition: 0, offset: 1, leaderEpoch: 0, metadata: null }]);
    s.deleteTopic('t');
    assert.equal(s.offsets.get('g', 't', 0), undefined);
    assert.equal(s.offsets.get('g', 'u', 0)?.offset, 1);
    s.createTopic('t', 1);
    assert.equal(s.partition('t', 0)?.logEndOffset, 0);
    s.close();
  });

  test(name('broker meta values'), () => {
    const s = impl.open();
    assert.equal(s.getMeta('producerId'), undefined);
    s.setMeta('producerId', '1000');
    assert.equal(s.getMeta('producerId'), '1000');
    s.setMeta('producerId', undefined);
    assert.equal(s.getMeta('producerId'), undefined);
    assert.equal(s.getMeta('toString'), undefined);
    s.close();
  });
}

test('defaults: broker names, camelCase and topic names are accepted; unknown ones are not', () => {
  const s = openStore({ memory: true, defaults: { numPartitions: 3, 'log.retention.ms': 5000, 'segment.bytes': '4096' } });
  assert.equal(s.defaults['num.partitions'], '3');
  assert.equal(s.createTopic('t').partitions, 3);
  assert.equal(s.topicConfig('t')?.retentionMs, 5000);
  assert.equal(s.topicConfig('t')?.segmentBytes, 4096);
  s.close();
  assert.throws(() => openStore({ memory: true, defaults: { 'num.partitionz': 1 } }), /Unknown broker config name/);
  assert.throws(() => openStore({ memory: true, defaults: { 'num.partitions': 0 } }), /at least 1/);
});

test('topics, ids, configs, data, offsets, cluster id and meta survive a reopen', () => {
  const dir = tempDir();
  const s = openStore({ dataDir: dir });
  const t = s.createTopic('orders', 2, { 'retention.bytes': '100000' });
  s.partition('orders', 1)?.append(batch(4, { prefix: 'x' }));
  s.offsets.commit('g', [{ topic: 'orders', partition: 1, offset: 4, leaderEpoch: 0, metadata: 'm' }]);
  s.setMeta('port', '9092');
  const clusterId = s.clusterId;
  s.close();
  const again = openStore({ dataDir: dir });
  assert.equal(again.clusterId, clusterId);
  assert.deepEqual(again.getTopic('orders'), t);
  assert.equal(again.getMeta('port'), '9092');
  assert.equal(again.offsets.get('g', 'orders', 1)?.metadata, 'm');
  const recs = recordsOf(again.partition('orders', 1)?.read(0, 1 << 20) ?? { chunks: [], bytes: 0 });
  assert.deepEqual(recs.map((r) => r.value), ['x-0', 'x-1', 'x-2', 'x-3']);
  again.close();
});

test('deleteTopic removes its directory; unknown partition directories are removed at open', () => {
  const dir = tempDir();
  const s = openStore({ dataDir: dir });
  s.createTopic('keep', 1);
  s.createTopic('gone', 2);
  s.partition('gone', 0)?.append(batch(1));
  assert.ok(fs.existsSync(path.join(dir, 'topics', 'gone-1')));
  s.deleteTopic('gone');
  assert.deepEqual(fs.readdirSync(path.join(dir, 'topics')), ['keep-0']);
  s.close();
  fs.mkdirSync(path.join(dir, 'topics', 'stale-0')); // as left by a crash during deleteTopic
  const messages: string[] = [];
  const again = openStore({ dataDir: dir, log: (m) => messages.push(m) });
  assert.deepEqual(fs.readdirSync(path.join(dir, 'topics')), ['keep-0']);
  assert.ok(messages.some((m) => m.includes('stale-0')));
  again.close();
});

test('metadata is written atomically: a torn temp file is ignored, a damaged topics.json is recovered', () => {
  const dir = tempDir();
  const s = openStore({ dataDir: dir });
  s.createTopic('t', 1, { 'retention.ms': '1' });
  s.close();
  const good = fs.readFileSync(path.join(dir, 'topics.json'), 'utf8');
  assert.deepEqual(JSON.parse(good).topics.map((x: { name: string }) => x.name), ['t']);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
  fs.writeFileSync(path.join(dir, 'topics.json.tmp'), '{"version":1,"topics":[{"na'); // crash mid-write
  const again = openStore({ dataDir: dir });
  assert.deepEqual(again.listTopics().map((x) => x.name), ['t']);
  again.createTopic('u');
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'topics.json'), 'utf8')).topics.map((x: { name: string }) => x.name), ['t', 'u']);
  again.close();
  const names = (st: Store): string[] => st.listTopics().map((x) => x.name);
  fs.writeFileSync(path.join(dir, 'topics.json'), good.slice(0, 20));
  const fromBackup = openStore({ dataDir: dir });
  assert.deepEqual(names(fromBackup), ['t', 'u']);
  assert.equal(fromBackup.getTopic('t')?.configs['retention.ms'], '1');
  fromBackup.close();
  // both copies lost: the topics come back from their partition directories, keeping everything
  fs.writeFileSync(path.join(dir, 'topics.json'), '');
  fs.writeFileSync(path.join(dir, 'topics.json.bak'), '{"version":1,"topics":[{"name":5}]}');
  const rebuilt = openStore({ dataDir: dir });
  assert.deepEqual(names(rebuilt).sort(), ['t', 'u']);
  assert.equal(rebuilt.getTopic('t')?.configs['retention.ms'], '-1');
  rebuilt.close();
  fs.writeFileSync(path.join(dir, 'topics.json'), '{"version":2,"topics":[]}');
  assert.throws(() => openStore({ dataDir: dir }), /topics.json has unknown version 2/);
});

test('a data directory is used by one store at a time; the lock dies with its process', async () => {
  const dir = tempDir();
  const s = openStore({ dataDir: dir });
  assert.throws(() => openStore({ dataDir: dir }), /already open/);
  s.close();
  fs.writeFileSync(path.join(dir, '.lock'), `${process.ppid}\n`); // a pid file (older kt) locks nothing
  openStore({ dataDir: dir }).close();
  const storeUrl = new URL('../../../src/broker/log/store.js', import.meta.url).href;
  const script = `const { openStore } = await import(${JSON.stringify(storeUrl)}); openStore({ dataDir: ${JSON.stringify(dir)} }); console.log('open'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => child.stdout.once('data', resolve));
  assert.throws(() => openStore({ dataDir: dir }), /in use by another process/);
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  openStore({ dataDir: dir }).close();
});

test('kill -9 with flush.messages=1 loses no acknowledged record or commit', () => {
  const dir = tempDir();
  const storeUrl = new URL('../../../src/broker/log/store.js', import.meta.url).href;
  const helpersUrl = new URL('./helpers.js', import.meta.url).href;
  const script = `
    const { openStore } = await import(${JSON.stringify(storeUrl)});
    const { batch } = await import(${JSON.stringify(helpersUrl)});
    const s = openStore({ dataDir: ${JSON.stringify(dir)} });
    s.createTopic('t', 1, { 'flush.messages': '1', 'segment.bytes': '2000' });
    const log = s.partition('t', 0);
    for (let i = 0; i < 50; i++) log.append(batch(2, { prefix: 'r' + i, valueSize: 40 }));
    s.offsets.commit('g', [{ topic: 't', partition: 0, offset: 100, leaderEpoch: 0, metadata: null }]);
    process.kill(process.pid, 'SIGKILL');
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(child.signal, 'SIGKILL', child.stderr);
  const messages: string[] = [];
  const s = openStore({ dataDir: dir, log: (m) => messages.push(m) });
  assert.ok(messages.some((m) => m.includes('no clean-shutdown marker')), messages.join('\n'));
  const log = s.partition('t', 0);
  assert.equal(log?.logEndOffset, 100);
  assert.equal(s.offsets.get('g', 't', 0)?.offset, 100);
  const values: string[] = [];
  for (let next = 0; next < 100;) {
    const recs = recordsOf(log!.read(next, 1 << 20)).filter((r) => r.offset >= next);
    values.push(...recs.map((r) => r.value));
    next = recs[recs.length - 1].offset + 1;
  }
  assert.equal(values.length, 100);
  assert.equal(values[99].replace(/\.+$/, ''), 'r49-1');
  s.close();
});

test('a graceful close fsyncs every partition with unflushed data and leaves clean-shutdown markers', async () => {
  const { mock } = await import('node:test');
  const dataDir = tempDir();
  const s = openStore({ dataDir });
  s.createTopic('a', 3);
  s.createTopic('b', 2, { 'segment.bytes': '300' });
  for (let p = 0; p < 3; p++) s.partition('a', p)!.append(batch(2));
  for (let i = 0; i < 6; i++) s.partition('b', i % 2)!.append(batch(2, { valueSize: 100 }));
  const synced = new Set<number>();
  const fdatasync = mock.method(fs, 'fdatasyncSync', (fd: number) => void synced.add(fd));
  const fsync = mock.method(fs, 'fsyncSync', () => {});
  try {
    s.close();
    // one fdatasync per partition's active segment (5), all different files
    assert.ok(synced.size >= 5, `${synced.size} files fdatasync'ed`);
  } finally {
    fdatasync.mock.restore();
    fsync.mock.restore();
  }
  for (const dir of ['a-0', 'a-1', 'a-2', 'b-0', 'b-1']) {
    assert.ok(fs.existsSync(path.join(dataDir, 'topics', dir, '.kt-clean-shutdown')), `${dir} is marked clean`);
  }
});

test('partitions that cannot be opened (EMFILE) are taken back: no half-created topic, the store reopens', async () => {
  const { mock } = await import('node:test');
  const dataDir = tempDir();
  const s = openStore({ dataDir });
  s.createTopic('ok', 2);
  let failOn = '';
  const realOpen = fs.openSync;
  const open = mock.method(fs, 'openSync', (file: fs.PathLike, ...rest: unknown[]) => {
    if (failOn && String(file).includes(`${path.sep}${failOn}${path.sep}`)) throw Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' });
    return (realOpen as (...a: unknown[]) => number)(file, ...rest);
  });
  try {
    failOn = 'big-5';
    assert.throws(() => s.createTopic('big', 8), (e: unknown) => kafkaError('KAFKA_STORAGE_ERROR')(e) && /ulimit -n/.test((e as Error).message));
    failOn = 'ok-5';
    assert.throws(() => s.createPartitions('ok', 8), kafkaError('KAFKA_STORAGE_ERROR'));
  } finally {
    open.mock.restore();
  }
  assert.equal(s.getTopic('big'), undefined);
  assert.equal(s.getTopic('ok')?.partitions, 2);
  assert.equal(s.partition('ok', 2), undefined);
  assert.deepEqual(fs.readdirSync(path.join(dataDir, 'topics')).sort(), ['ok-0', 'ok-1']);
  assert.equal(s.partition('ok', 1)?.append(batch(1)).baseOffset, 0, 'the topic still works');
  s.close();
  const again = openStore({ dataDir });
  assert.deepEqual(again.listTopics().map((t) => `${t.name}:${t.partitions}`), ['ok:2']);
  again.close();
});

test('a topic without an id in topics.json gets one when loaded, kept from then on; the others keep theirs', () => {
  const dir = tempDir();
  const s = openStore({ dataDir: dir });
  const kept = s.createTopic('kept', 1);
  s.createTopic('bare', 2, { 'retention.ms': '1000' });
  s.partition('bare', 1)?.append(batch(2, { prefix: 'b' }));
  s.close();
  const file = path.join(dir, 'topics.json');
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  delete doc.topics.find((t: { name: string }) => t.name === 'bare').id;
  fs.writeFileSync(file, JSON.stringify(doc));
  const lines: string[] = [];
  const again = openStore({ dataDir: dir, log: (l) => lines.push(l) });
  const bare = again.getTopic('bare');
  assert.ok(bare && bare.id.length === 16 && !bare.id.equals(Buffer.alloc(16)));
  assert.deepEqual([bare.partitions, bare.configs], [2, { 'retention.ms': '1000' }], 'nothing else changes');
  assert.deepEqual(again.getTopic('kept')?.id, kept.id);
  assert.equal(again.getTopicById(bare.id)?.name, 'bare');
  assert.equal(recordsOf(again.partition('bare', 1)?.read(0, 1 << 20) ?? { chunks: [], bytes: 0 }).length, 2);
  assert.ok(lines.some((l) => l.includes('gave bare a topic id')), lines.join('\n'));
  again.close();
  const third = openStore({ dataDir: dir });
  assert.deepEqual(third.getTopic('bare')?.id, bare.id, 'stable across restarts');
  third.close();
});
