// Fuzzing the request path: >= 100,000 malformed frames (random bytes, and mutations of valid
// frames of every API and version the broker advertises) through the decoder in-process, then
// a few thousand over real TCP connections to a broker on disk. Afterwards the broker still
// serves a good kafkajs client, and no exception escaped a connection.
//
// KT_FUZZ_SEED reproduces a run; KT_FUZZ_FRAMES / KT_FUZZ_TCP_FRAMES change the counts.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { decodeRequest } from '../../src/broker/connection.js';
import { HANDLERS } from '../../src/broker/handlers/index.js';
import type { Handler } from '../../src/broker/handlers/types.js';
import { Metadata } from '../../src/protocol/apis/metadata.js';
import { Produce } from '../../src/protocol/apis/produce.js';
import { ProtocolError, Writer } from '../../src/protocol/bytes.js';
import type { ApiSchema } from '../../src/protocol/schema.js';
import { tempDir, testBroker } from '../durability/helpers.js';
import { MUTATIONS, Rng, mutate, validFrame } from './frames.js';

const SEED = Number(process.env.KT_FUZZ_SEED ?? Date.now() % 2 ** 31);
const FRAMES = Number(process.env.KT_FUZZ_FRAMES ?? 120_000);
const TCP_FRAMES = Number(process.env.KT_FUZZ_TCP_FRAMES ?? 5_000);
const handlers: ReadonlyMap<number, Handler> = new Map(HANDLERS.map((h) => [h.api.key, h]));
const versions = HANDLERS.flatMap((h) => Array.from({ length: h.api.max - h.api.min + 1 }, (_, i) => ({ api: h.api, version: h.api.min + i })));

// Anything thrown or rejected outside a test's own code fails the whole file.
const escaped: unknown[] = [];
process.on('uncaughtException', (e) => escaped.push(e));
process.on('unhandledRejection', (e) => escaped.push(e));

test(`every valid frame of every advertised API version decodes (seed ${SEED})`, () => {
  const rng = new Rng(SEED);
  assert.ok(versions.length > 50, `${versions.length} API versions`);
  for (const { api, version } of versions) {
    for (let i = 0; i < 20; i++) {
      const frame = validFrame(rng, api, version);
      const d = decodeRequest(frame, handlers);
      assert.ok(!('unsupportedApiVersions' in d), `${api.name} v${version}`);
      assert.equal(d.header.apiKey, api.key);
      assert.equal(d.header.apiVersion, version);
    }
  }
});

test(`${FRAMES} malformed frames through the decoder: each decodes or is refused with a ProtocolError (seed ${SEED})`, () => {
  const rng = new Rng(SEED + 1);
  const outcomes = { decoded: 0, refused: 0, unsupportedApiVersions: 0 };
  const byMutation = new Map<string, number>();
  const started = process.hrtime.bigint();
  for (let n = 0; n < FRAMES; n++) {
    const a = rng.pick(versions);
    const b = rng.pick(versions);
    const kind = rng.pick(MUTATIONS);
    const frame = mutate(rng, kind, validFrame(rng, a.api, a.version), validFrame(rng, b.api, b.version));
    byMutation.set(kind, (byMutation.get(kind) ?? 0) + 1);
    try {
      const d = decodeRequest(frame, handlers);
      if ('unsupportedApiVersions' in d) outcomes.unsupportedApiVersions++;
      else outcomes.decoded++;
    } catch (e) {
      if (!(e instanceof ProtocolError)) {
        assert.fail(`${kind} of ${a.api.name} v${a.version} threw ${(e as Error).stack}\nframe: ${frame.toString('hex')}\nseed ${SEED}`);
      }
      outcomes.refused++;
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`fuzz: ${FRAMES} frames in ${seconds.toFixed(2)} s (${Math.round(FRAMES / seconds)} frames/s): ${JSON.stringify(outcomes)}, by mutation ${JSON.stringify(Object.fromEntries(byMutation))}`);
  assert.ok(outcomes.refused > FRAMES / 2, 'most malformed frames are refused');
  assert.ok(outcomes.decoded > 0, 'some mutations still decode (and reach handlers over TCP)');
});

/** Sends `payload` on a fresh connection; resolves when the broker closes it or after `ms`. */
function sendRaw(port: number, payload: Buffer, ms: number): Promise<'closed' | 'open'> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    const timer = setTimeout(() => {
      s.destroy();
      resolve('open');
    }, ms);
    s.on('error', () => {});
    s.on('data', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      resolve('closed');
    });
    s.on('connect', () => s.write(payload));
  });
}

const prefixed = (frame: Buffer, size = frame.length): Buffer => {
  const b = Buffer.allocUnsafe(4 + frame.length);
  b.writeInt32BE(size, 0);
  frame.copy(b, 4);
  return b;
};

test(`${TCP_FRAMES} malformed frames over TCP; the broker keeps serving and nothing escapes (seed ${SEED})`, { timeout: 120_000 }, async () => {
  const lines: string[] = [];
  const broker = await testBroker({ dataDir: tempDir(), log: (l) => lines.push(l), maxFrameBytes: 1 << 20 });
  try {
    const rng = new Rng(SEED + 2);
    let sent = 0;
    let closedByBroker = 0;
    const started = Date.now();
    const worker = async (): Promise<void> => {
      while (sent < TCP_FRAMES) {
        // a few frames per connection: each valid-but-odd one is handled, the first bad one closes it
        const parts: Buffer[] = [];
        for (let i = rng.int(1, 5); i > 0 && sent < TCP_FRAMES; i--, sent++) {
          const a = rng.pick(versions);
          const b = rng.pick(versions);
          const frame = mutate(rng, rng.pick(MUTATIONS), validFrame(rng, a.api, a.version), validFrame(rng, b.api, b.version));
          const lie = rng.chance(0.1); // a size prefix that does not match the frame
          parts.push(prefixed(frame, lie ? rng.pick([0, -1, frame.length + 7, frame.length - 3, 0x7fffffff]) : frame.length));
        }
        if ((await sendRaw(broker.port, Buffer.concat(parts), 100)) === 'closed') closedByBroker++;
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    console.log(`fuzz over TCP: ${sent} frames in ${Date.now() - started} ms, ${closedByBroker} connections closed by the broker`);
    assert.ok(closedByBroker > 0);

    // a good client is still served, end to end
    const kafka = new Kafka({ clientId: 'after-fuzz', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'after-fuzz', acks: -1, messages: [{ key: 'k', value: 'still alive' }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: 'after-fuzz' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'after-fuzz', fromBeginning: true });
    const value = await new Promise<string>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => resolve(message.value?.toString() ?? '') });
    });
    await consumer.disconnect();
    assert.equal(value, 'still alive');
    // A handler that throws closes only its connection; the line carries a stack (decoding
    // errors only a message). Reported here for the handlers' owners, not a failure.
    const handlerErrors = lines.filter((l) => l.includes('bad request') && l.includes('\n    at '));
    if (handlerErrors.length > 0) console.log(`${handlerErrors.length} handler errors, e.g.:\n${[...new Set(handlerErrors.map((l) => l.split('\n').slice(0, 2).join(' | ')))].slice(0, 10).join('\n')}`);
  } finally {
    await broker.stop();
  }
  assert.deepEqual(escaped, [], 'no exception escaped');
});

test('an array count is checked before anything is allocated: against the bytes it needs, and against maxRequestElements', () => {
  const header = (api: ApiSchema, version: number): Writer => new Writer(64).int16(api.key).int16(version).int32(1).string('c');
  // Metadata v1: 1000 names need at least 2000 bytes (a 2-byte length each); 1500 are left
  let w = header(Metadata, 1).int32(1000);
  w.raw(Buffer.alloc(1500));
  assert.throws(() => decodeRequest(w.toBuffer(), handlers), (e: Error) => e instanceof ProtocolError && /topics: 1000 entries need at least 2000 bytes, 1500 left/.test(e.message));
  // Produce v3: each topic needs a name and a partition array (6 bytes): 200 topics in 1000 bytes cannot be
  w = header(Produce, 3).string(null).int16(1).int32(1000).int32(200);
  w.raw(Buffer.alloc(1000));
  assert.throws(() => decodeRequest(w.toBuffer(), handlers), (e: Error) => e instanceof ProtocolError && /topicData: 200 entries need at least 1200 bytes/.test(e.message));
  // entries of all arrays together: at most maxRequestElements
  const names = (n: number): Buffer => {
    const b = header(Metadata, 1).int32(n);
    for (let i = 0; i < n; i++) b.string('x');
    return b.toBuffer();
  };
  const d = decodeRequest(names(10), handlers, 10);
  assert.ok(!('unsupportedApiVersions' in d));
  assert.equal((d.body.topics as unknown[]).length, 10);
  assert.throws(() => decodeRequest(names(11), handlers, 10), (e: Error) => e instanceof ProtocolError && /more than 10 array entries/.test(e.message));
});
