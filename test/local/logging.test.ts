// The local broker's log: a log that cannot be written (a full disk) must not stop the broker
// answering or make it spin, and strings clients choose must not forge log lines.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { JoinGroup } from '../../src/protocol/apis/joinGroup.js';
import { WireClient } from '../../src/client/wireClient.js';
import { readState } from '../../src/local/daemon.js';
import { localPaths } from '../../src/local/paths.js';
import { freePort, isolatedEnv, kt } from '../helpers.js';
import { cpuTicks, readLog, waitFor } from './helpers.js';

test('a full disk under local.log: the broker keeps answering and does not spin', async () => {
  const port = await freePort();
  const env = isolatedEnv({ KT_LOCAL_PORT: String(port) });
  const p = localPaths(env.KT_DATA_DIR);
  fs.mkdirSync(p.root, { recursive: true });
  fs.symlinkSync('/dev/full', p.log); // every write: ENOSPC
  try {
    const start = await kt(['local', 'start'], { env });
    assert.equal(start.code, 0, start.stderr);
    const pid = readState(p)?.pid as number;
    const kafka = new Kafka({ clientId: 'full-disk', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, retry: { retries: 2 }, requestTimeout: 10_000 });
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 3; i++) await producer.send({ topic: `t${i}`, messages: [{ value: `v${i}` }] }); // each auto-creation logs a line
    await producer.disconnect();

    // Idle now: a broker that answers and is not looping on its log uses almost no CPU.
    const before = cpuTicks(pid);
    const window = 2000;
    await new Promise((r) => setTimeout(r, window));
    const used = ((cpuTicks(pid) - before) * 10) / window; // ticks are 10 ms (USER_HZ 100)
    assert.ok(used < 0.25, `the idle broker used ${Math.round(used * 100)}% of a CPU`);

    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('t2');
    await admin.disconnect();
    assert.deepEqual(offsets.map((o) => o.high), ['1']);
    const stop = await kt(['local', 'stop'], { env });
    assert.match(stop.stderr, /stopped the local broker/);
  } finally {
    await kt(['local', 'stop'], { env });
  }
});

test('client ids and group ids cannot forge lines or send terminal escapes into local.log', async () => {
  const port = await freePort();
  const env = isolatedEnv({ KT_LOCAL_PORT: String(port) });
  const p = localPaths(env.KT_DATA_DIR);
  const forged = '[2000-01-01T00:00:00.000Z] forged';
  try {
    assert.equal((await kt(['local', 'start'], { env })).code, 0);
    // An API key no broker knows, from a client id with a line break and an ANSI escape.
    const raw = await WireClient.connect('127.0.0.1', port);
    const id = Buffer.from(`evil\n${forged} by client id\u001b[2J`);
    const frame = Buffer.alloc(4 + 10 + id.length);
    frame.writeInt32BE(frame.length - 4, 0);
    frame.writeInt16BE(9999, 4);
    frame.writeInt16BE(0, 6);
    frame.writeInt32BE(1, 8);
    frame.writeInt16BE(id.length, 12);
    id.copy(frame, 14);
    raw.writeRaw(frame);
    // A group id with CR LF, joined so that the coordinator logs it.
    const client = await WireClient.connect('127.0.0.1', port, { clientId: `c\r\n${forged} by member id` });
    await client.request(JoinGroup, 0, {
      groupId: `g\r\n${forged} by group id`,
      sessionTimeoutMs: 10_000,
      memberId: '',
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
    });
    client.close();
    raw.close();

    const log = await waitFor('the lines in local.log', () => {
      const text = readLog(p.log);
      return text.includes('by client id') && text.includes('by group id') ? text : undefined;
    });
    const lines = log.split('\n');
    assert.deepEqual(lines.filter((l) => l.startsWith('[2000-')), [], 'a client forged a log line');
    assert.ok(!log.includes('\u001b') && !log.includes('\r'), 'control characters reached the log');
    assert.ok(lines.some((l) => l.includes(`evil\\n${forged} by client id\\x1b[2J`)), log);
    assert.ok(lines.some((l) => l.includes(`g\\r\\n${forged} by group id`)), log);
  } finally {
    await kt(['local', 'stop'], { env });
  }
});
