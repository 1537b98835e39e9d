// Hostile requests: what one request may cost the broker, and that other clients are served
// while a big one is handled. Array entries per request (maxRequestElements) close the
// connection at the count; Metadata resolves each distinct name once, in time slices that let
// other connections in; auto-creation makes at most autoCreateTopicsPerRequest topics per request
// (the rest get LEADER_NOT_AVAILABLE, as while Kafka creates a topic) and a topic that cannot be
// created gets its error, not a closed connection. The worst stall of a client polling
// ApiVersions meanwhile is printed, not asserted; the assertions are about order of events.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { ApiVersions } from '../../src/protocol/apis/apiVersions.js';
import { Metadata } from '../../src/protocol/apis/metadata.js';
import { Reader } from '../../src/protocol/bytes.js';
import { code } from '../../src/protocol/errors.js';
import { isFlexible, responseCodec, type ApiSchema, type DecodedResp, type ReqInput } from '../../src/protocol/schema.js';
import { WireClient } from '../../src/client/wireClient.js';
import type { Broker } from '../../src/index.js';
import { eventually, requestFrame, tempDir, testBroker } from './helpers.js';

const frame = <A extends ApiSchema>(api: A, version: number, body: ReqInput<A>, correlationId: number): Buffer => requestFrame(api, version, body, correlationId, 'hostile');

function decode<A extends ApiSchema>(api: A, version: number, f: Buffer): DecodedResp<A> {
  const r = new Reader(f, 4);
  if (isFlexible(api, version)) r.uvarint();
  return responseCodec(api, version).decode(r) as DecodedResp<A>;
}

/** One raw connection: the first response frame, or null when the broker closes it first. */
class Raw {
  private buf = Buffer.alloc(0);
  readonly done: Promise<Buffer | null>;
  constructor(readonly socket: net.Socket) {
    this.done = new Promise((resolve) => {
      socket.on('data', (d: Buffer) => {
        this.buf = Buffer.concat([this.buf, d]);
        if (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readInt32BE(0)) resolve(this.buf.subarray(4, 4 + this.buf.readInt32BE(0)));
      });
      socket.on('close', () => resolve(null));
      socket.on('error', () => {});
    });
  }
  static async connect(port: number): Promise<Raw> {
    const s = net.connect({ port, host: '127.0.0.1' });
    await new Promise((r) => s.once('connect', r));
    return new Raw(s);
  }
}

/**
 * Another client sending ApiVersions back to back until stopped: each answer is an event
 * (with `observe()` taken at that moment); its worst wait is the stall it suffered.
 */
async function prober(broker: Broker, observe: () => number = () => 0) {
  const c = await WireClient.connect('127.0.0.1', broker.port);
  const answers: { at: number; seen: number }[] = [];
  let worst = 0;
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const sent = performance.now();
      await c.request(ApiVersions, 0, {});
      worst = Math.max(worst, performance.now() - sent);
      answers.push({ at: performance.now(), seen: observe() });
    }
  })().catch(() => {}); // the broker stopped under a failed test
  return {
    answers,
    async stop(): Promise<number> {
      stop = true;
      await loop;
      c.close();
      return worst;
    },
  };
}

test('a request with more array entries than maxRequestElements closes its connection at the count; others are served', { timeout: 60_000 }, async () => {
  const lines: string[] = [];
  const broker = await testBroker({ log: (l) => lines.push(l) });
  try {
    // 2,000,001 empty topic names in 4 MB (the hostile tester's was 10M in 60 MB)
    const f = frame(Metadata, 1, { topics: new Array(2_000_001).fill({ name: '' }) }, 7);
    const probe = await prober(broker);
    const big = await Raw.connect(broker.port);
    big.socket.write(f);
    const answer = await big.done;
    assert.ok(answer === null, `closed without an answer (got ${answer?.length} bytes)`);
    assert.ok(lines.some((l) => /closing connection.*more than 100000 array entries/.test(l)), lines.join('\n'));
    const before = probe.answers.length;
    await eventually('the other client is still answered', () => probe.answers.length > before + 2);
    console.log(`a 2,000,001-name Metadata request (4 MB): other client's worst wait ${(await probe.stop()).toFixed(0)} ms`);

    // just under the limit, the same names are one name: answered once, as Kafka does
    const ok = await WireClient.connect('127.0.0.1', broker.port);
    const r = await ok.request(Metadata, 1, { topics: new Array(99_999).fill({ name: '' }) });
    assert.deepEqual(r.topics.map((t) => [t.name, t.errorCode]), [['', code('INVALID_TOPIC_EXCEPTION')]]);
    ok.close();
  } finally {
    await broker.stop();
  }
});

test('a Metadata request for 100,000 names: another client is answered while it is handled', { timeout: 60_000 }, async () => {
  const broker = await testBroker({ autoCreateTopics: false });
  for (let i = 0; i < 50; i++) broker.store.createTopic(`have-${i}`, 3);
  try {
    const names = Array.from({ length: 100_000 }, (_, i) => ({ name: i % 2000 === 0 ? `have-${i / 2000}` : `nope-${i}` }));
    const f = frame(Metadata, 4, { topics: names, allowAutoTopicCreation: false }, 9);
    const probe = await prober(broker);
    const big = await Raw.connect(broker.port);
    // All but the last byte first, so the request is complete on the broker exactly when the
    // last byte arrives, together with the other client's request sent right after it.
    big.socket.write(f.subarray(0, f.length - 1));
    await new Promise((r) => setTimeout(r, 300));
    const other = await Raw.connect(broker.port);
    let otherAnswered = false;
    let bigAnswered = false; // its first byte: the broker's order, not how long the rest takes
    big.socket.once('data', () => (bigAnswered = true));
    void other.done.then(() => (otherAnswered = true));
    big.socket.write(f.subarray(f.length - 1));
    other.socket.write(frame(ApiVersions, 0, {}, 1));
    assert.notEqual(await other.done, null);
    assert.equal(bigAnswered, false, 'the other client was answered before the big request');
    const resp = await big.done;
    assert.ok(resp && otherAnswered);
    const topics = decode(Metadata, 4, resp).topics;
    assert.equal(topics.length, 100_000);
    assert.equal(topics.filter((t) => t.errorCode === 0).length, 50);
    assert.equal(topics.filter((t) => t.errorCode === code('UNKNOWN_TOPIC_OR_PARTITION')).length, 99_950);
    assert.deepEqual(topics.find((t) => t.name === 'have-7')?.partitions.map((p) => p.partitionIndex), [0, 1, 2]);
    console.log(`a 100,000-name Metadata request (${(f.length / 1e6).toFixed(1)} MB): other client's worst wait ${(await probe.stop()).toFixed(0)} ms`);
    big.socket.destroy();
    other.socket.destroy();
  } finally {
    await broker.stop();
  }
});

test('auto-create: at most autoCreateTopicsPerRequest topics per Metadata request, the rest LEADER_NOT_AVAILABLE; others served meanwhile', { timeout: 120_000 }, async () => {
  const lines: string[] = [];
  const broker = await testBroker({ dataDir: tempDir(), log: (l) => lines.push(l) });
  try {
    const probe = await prober(broker, () => broker.store.listTopics().length);
    const c = await WireClient.connect('127.0.0.1', broker.port, { clientId: 'hostile' });
    const names = Array.from({ length: 3000 }, (_, i) => ({ name: `auto-${String(i).padStart(4, '0')}` }));
    const r = await c.request(Metadata, 9, { topics: names, allowAutoTopicCreation: true });
    const stall = await probe.stop();
    const created = r.topics.filter((t) => t.errorCode === 0);
    assert.equal(created.length, 100);
    assert.deepEqual(created.map((t) => t.name), names.slice(0, 100).map((n) => n.name), 'the first ones, in request order');
    assert.equal(r.topics.filter((t) => t.errorCode === code('LEADER_NOT_AVAILABLE')).length, 2900);
    assert.equal(broker.store.listTopics().length, 100);
    assert.ok(lines.some((l) => /client hostile asks for 3000 new topics: auto-created 100 \(autoCreateTopicsPerRequest\), 2900 more answered LEADER_NOT_AVAILABLE/.test(l)), lines.filter((l) => !l.startsWith('auto-created topic')).join('\n'));
    // another client was answered while the topics were being created, not only before or after
    assert.ok(probe.answers.some((a) => a.seen > 0 && a.seen < 100), `probe saw topic counts ${[...new Set(probe.answers.map((a) => a.seen))].join(',')}`);
    console.log(`a 3000-topic auto-create request: other client's worst wait ${stall.toFixed(0)} ms`);

    // the client asks again (as on LEADER_NOT_AVAILABLE): the next ones are created
    const again = await c.request(Metadata, 9, { topics: names, allowAutoTopicCreation: true });
    assert.equal(again.topics.filter((t) => t.errorCode === 0).length, 200);
    assert.equal(broker.store.listTopics().length, 200);
    c.close();
  } finally {
    await broker.stop();
  }
});

test('a topic that cannot be auto-created gets its error in the Metadata response; the connection stays', async () => {
  const broker = await testBroker();
  try {
    broker.store.createTopic('a.b', 1);
    const c = await WireClient.connect('127.0.0.1', broker.port);
    const r = await c.request(Metadata, 9, { topics: [{ name: 'a_b' }, { name: 'fine' }], allowAutoTopicCreation: true });
    assert.deepEqual(r.topics.map((t) => [t.name, t.errorCode]), [['a_b', code('INVALID_TOPIC_EXCEPTION')], ['fine', 0]]);
    const again = await c.request(Metadata, 9, { topics: [{ name: 'fine-too' }], allowAutoTopicCreation: true });
    assert.equal(again.topics[0].errorCode, 0);
    c.close();
  } finally {
    await broker.stop();
  }
});
