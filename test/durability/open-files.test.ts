// Open files (docs/durability.md, "Open files"): the broker keeps a budget of open segment
// files whatever the number of partitions, so thousands of them fit under a small limit of
// open files. The broker runs as a child process under `ulimit -n 128`; 500 topics (3000 with
// KT_OPEN_FILES_TOPICS=3000) are auto-created through Metadata, in requests of 100 as a client
// asking for many topics would, then every partition takes a record and serves it back,
// before and after a restart. Keeping every active segment's files open, as kt did, ran out
// of descriptors after about 35 partitions here.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { Fetch } from '../../src/protocol/apis/fetch.js';
import { Metadata } from '../../src/protocol/apis/metadata.js';
import { Produce } from '../../src/protocol/apis/produce.js';
import { batchesIn, buildBatch, readRecords } from '../../src/protocol/recordBatch.js';
import { WireClient } from '../../src/client/wireClient.js';
import { startChildBroker, tempDir, type ChildBroker } from './helpers.js';

const LIMIT = 128;
const TOPICS = Number(process.env.KT_OPEN_FILES_TOPICS ?? 500);
const PER_REQUEST = 100;

const names = Array.from({ length: TOPICS }, (_, i) => `many-${String(i).padStart(5, '0')}`);
const chunks: string[][] = [];
for (let i = 0; i < names.length; i += PER_REQUEST) chunks.push(names.slice(i, i + PER_REQUEST));

const openFiles = (pid: number): number => fs.readdirSync(`/proc/${pid}/fd`).length;

async function metadata(c: WireClient, topics: string[]): Promise<number[]> {
  const r = await c.request(Metadata, 9, { topics: topics.map((name) => ({ name })), allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
  return r.topics.map((t) => t.errorCode);
}

/** Every topic's partition 0 answered with its one record, `value-<topic>`. */
async function readAll(c: WireClient): Promise<void> {
  for (const chunk of chunks) {
    const r = await c.request(Fetch, 11, {
      maxWaitMs: 0, minBytes: 0, maxBytes: 50 << 20, isolationLevel: 0,
      topics: chunk.map((topic) => ({ topic, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] })),
    });
    for (const t of r.responses) {
      const p = t.partitions[0];
      assert.equal(p.errorCode, 0, `fetch ${t.topic}`);
      const buf = p.records ?? Buffer.alloc(0);
      const values = [...batchesIn(buf)].flatMap(([pos]) => readRecords(buf, pos).map((rec) => rec.value?.toString()));
      assert.deepEqual(values, [`value-${t.topic}`], t.topic);
    }
  }
}

test(`${TOPICS} partitions under a limit of ${LIMIT} open files: created through Metadata, all take and serve records, also after a restart`, { skip: !fs.existsSync('/proc/self/fd') && 'needs /proc' }, async () => {
  const root = tempDir();
  let broker: ChildBroker = await startChildBroker(root, 60_000, { openFilesLimit: LIMIT });
  let c = await WireClient.connect('127.0.0.1', broker.port);
  try {
    const idle = openFiles(broker.pid);
    for (const chunk of chunks) assert.deepEqual(await metadata(c, chunk), chunk.map(() => 0), `topics from ${chunk[0]} created`);
    const created = openFiles(broker.pid);
    for (const chunk of chunks) {
      const r = await c.request(Produce, 7, {
        transactionalId: null, acks: -1, timeoutMs: 5000,
        topicData: chunk.map((name) => ({ name, partitionData: [{ index: 0, records: buildBatch([{ key: null, value: Buffer.from(`value-${name}`) }]) }] })),
      });
      for (const t of r.responses) assert.deepEqual([t.partitionResponses[0].errorCode, Number(t.partitionResponses[0].baseOffset)], [0, 0], `produce to ${t.name}`);
    }
    await readAll(c);
    const used = openFiles(broker.pid);
    console.log(`open files of the broker: ${idle} idle, ${created} after creating ${TOPICS} topics, ${used} after a produce and a fetch on each (limit ${LIMIT})`);
    assert.ok(used < LIMIT);
    // Descriptors are left for new topics and connections.
    assert.deepEqual(await metadata(c, ['one-more']), [0]);
    c.close();
    assert.equal((await broker.stop()).code, 0, broker.output());

    broker = await startChildBroker(root, 120_000, { openFilesLimit: LIMIT });
    c = await WireClient.connect('127.0.0.1', broker.port);
    await readAll(c);
    console.log(`open files after a restart and a fetch on each: ${openFiles(broker.pid)}`);
  } finally {
    c.close();
    await broker.stop();
  }
});
