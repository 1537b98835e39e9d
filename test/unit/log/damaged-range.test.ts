// The offsets a damaged range reports (docs/durability.md, "Damaged data"): exactly those of
// the damaged batch, whichever offset the read that meets it starts from, and also when a
// neighbouring batch is damaged too. Two flips in neighbouring batches used to be reported as
// one range over both (the corruption test's "offsets 1960..1999" where each cycle flipped one
// batch: 1960..1979, then 1980..1999).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { logConfig } from '../../../src/broker/log/config.js';
import { DiskPartitionLog, RECOVERY_POINT_FILE } from '../../../src/broker/log/diskLog.js';
import { batchesIn, buildBatch } from '../../../src/protocol/recordBatch.js';
import { consumeStepping, flipBits, tempDir } from './helpers.js';

const RECORDS_PER_BATCH = 20;
const BATCHES = 60; // 1200 records, 6 batches of about 1270 bytes per 8 KiB segment
const CONFIGS = { 'segment.bytes': '8192', 'flush.messages': '1' };
const segName = (base: number, suffix = '.log') => String(base).padStart(20, '0') + suffix;

function open(dir: string, messages: string[] = []): DiskPartitionLog {
  return new DiskPartitionLog({ dir, topic: 't', partition: 0, config: logConfig(CONFIGS), log: (m) => messages.push(m) });
}

/** The corruption test's data: batches of 20 records of about 55 bytes, never closed (a SIGKILL). */
const source = (() => {
  const dir = path.join(tempDir(), 't-0');
  const log = open(dir);
  const values = new Map<number, string>();
  for (let b = 0; b < BATCHES; b++) {
    const vs = Array.from({ length: RECORDS_PER_BATCH }, (_, i) => `c0-w${b % 3}-b${Math.floor(b / 3)}-r${i}-${'x'.repeat(40)}`);
    const r = log.append(buildBatch(vs.map((v) => ({ key: null, value: Buffer.from(v) }))));
    vs.forEach((v, i) => values.set(r.baseOffset + i, v));
  }
  const bases = log.describeSegments().map((s) => s.baseOffset);
  return { dir, values, bases };
})();

interface Batch { pos: number; size: number; from: number; to: number }

function batchesOfSegment(dir: string, base: number): Batch[] {
  return [...batchesIn(fs.readFileSync(path.join(dir, segName(base))))].map(([pos, h]) => ({ pos, size: h.size, from: h.baseOffset, to: h.baseOffset + h.lastOffsetDelta + 1 }));
}

/** Relative offsets of the entries of a rolled segment's .index. */
function indexEntries(dir: string, base: number): number[] {
  const buf = fs.readFileSync(path.join(dir, segName(base, '.index')));
  const out: number[] = [];
  for (let at = 0; at < buf.length; at += 8) out.push(base + buf.readInt32BE(at));
  return out;
}

/** A copy of the source log, restarted as after a SIGKILL with the given batches flipped in their records. */
function damagedCopy(segment: number, victims: Batch[], opts: { checkAll?: boolean } = {}): { dir: string; log: DiskPartitionLog; messages: string[] } {
  const dir = path.join(tempDir(), 't-0');
  fs.cpSync(source.dir, dir, { recursive: true });
  for (const v of victims) flipBits(path.join(dir, segName(segment)), v.pos + 61 + ((v.from * 7) % (v.size - 61)), 0x08);
  if (opts.checkAll) fs.rmSync(path.join(dir, RECOVERY_POINT_FILE));
  const messages: string[] = [];
  return { dir, log: open(dir, messages), messages };
}

/** Checks a read from `start` against the damaged batches: each one reported by its own offsets, everything else served. */
function check(what: string, log: DiskPartitionLog, messages: string[], start: number, victims: Batch[], segment: number, atStart: boolean): void {
  const { records, reported } = consumeStepping(log, start, 1 << 20);
  const lost = new Set<number>();
  for (const v of victims) for (let o = v.from; o < v.to; o++) if (o >= start) lost.add(o);
  assert.deepEqual(reported, [...lost].sort((x, y) => x - y), `${what}: exactly the damaged offsets are reported`);
  for (let o = start; o < source.values.size; o++) {
    if (!lost.has(o)) assert.equal(records.get(o), source.values.get(o), `${what}: offset ${o}`);
  }
  // Each report names one damaged batch exactly, once; each one the read had to meet is
  // reported (one before `start` may be too: the walk from an index entry steps over it).
  const damage = messages.filter((m) => m.includes('damaged data'));
  const seen = new Set<Batch>();
  for (const m of damage) {
    const v = victims.find((x) => m.endsWith(`offsets ${x.from}..${x.to - 1} are in damaged data at byte ${x.pos} of segment ${segName(segment)} (CRC32C mismatch); fetch from offset ${x.to} to skip them`)
      || m.includes(`segment ${segName(segment)}: damaged data at bytes ${x.pos}..${x.pos + x.size - 1} (CRC32C mismatch); offsets ${x.from}..${x.to - 1} cannot be read`));
    assert.ok(v, `${what}: a report names exactly one damaged batch: ${m}`);
    assert.ok(!seen.has(v), `${what}: reported once: ${m}`);
    seen.add(v);
  }
  for (const v of victims) {
    if (atStart || v.to > start) assert.ok(seen.has(v), `${what}: batch ${v.from}..${v.to - 1} at byte ${v.pos} is reported by its own offsets:\n${damage.join('\n')}`);
  }
}

test('a flip in the records of any batch: the report names exactly its offsets, whichever offset the read starts from', () => {
  const segment = source.bases[3];
  const batches = batchesOfSegment(source.dir, segment);
  const entries = indexEntries(source.dir, segment);
  assert.ok(batches.length >= 5 && entries.length >= 2, `${batches.length} batches, ${entries.length} index entries (a sparse index)`);
  let reads = 0;
  for (let i = 0; i < batches.length; i++) {
    const v = batches[i];
    const starts = new Set([v.from, v.from + 7, segment, ...entries, source.bases[2]]);
    if (i > 0) starts.add(batches[i - 1].from).add(batches[i - 1].to - 1);
    for (const start of starts) {
      if (start >= v.to) continue; // a read after it never meets it
      const { log, messages } = damagedCopy(segment, [v]);
      check(`batch ${i} (offsets ${v.from}..${v.to - 1}), read from ${start}`, log, messages, start, [v], segment, false);
      log.close();
      reads++;
    }
  }
  console.log(`one damaged batch of ${batches.length} in turn, ${reads} reads from different offsets: each reported by exactly its offsets`);
});

test('neighbouring damaged batches (one flip each, in their records) are reported one by one, by reads and at start', () => {
  const segment = source.bases[4];
  const batches = batchesOfSegment(source.dir, segment);
  let cases = 0;
  for (const n of [2, 3]) {
    for (let i = 0; i + n <= batches.length; i++) {
      const victims = batches.slice(i, i + n);
      for (const checkAll of [false, true]) {
        const starts = checkAll ? [source.bases[0]] : [...new Set([segment, victims[0].from, victims[n - 1].from, victims[n - 1].from + 3, i > 0 ? batches[i - 1].from : segment])];
        for (const start of starts) {
          const { log, messages } = damagedCopy(segment, victims, { checkAll });
          const what = `batches ${i}..${i + n - 1}${checkAll ? ' (checked at start)' : ''}, read from ${start}`;
          check(what, log, messages, start, victims, segment, checkAll);
          log.close();
          cases++;
        }
      }
    }
  }
  // The last batches of a rolled segment: nothing sound after them in it.
  const last = batches.slice(-2);
  for (const checkAll of [false, true]) {
    const { log, messages } = damagedCopy(segment, last, { checkAll });
    check(`the last two batches of a rolled segment${checkAll ? ' (checked at start)' : ''}`, log, messages, checkAll ? 0 : segment, last, segment, checkAll);
    log.close();
  }
  console.log(`${cases + 2} runs of 2 or 3 neighbouring damaged batches: each batch reported by exactly its offsets`);
});

test('a flipped length field before a damaged batch: the frames cannot be told apart, so one range over both (as documented)', () => {
  const segment = source.bases[2];
  const batches = batchesOfSegment(source.dir, segment);
  const [a, b] = batches.slice(1, 3);
  const dir = path.join(tempDir(), 't-0');
  fs.cpSync(source.dir, dir, { recursive: true });
  const file = path.join(dir, segName(segment));
  flipBits(file, a.pos + 10, 0x01); // its length, outside the CRC: a's frame no longer leads to b's
  flipBits(file, b.pos + 200, 0x08);
  const messages: string[] = [];
  const log = open(dir, messages);
  const { records, reported } = consumeStepping(log, segment, 1 << 20);
  assert.deepEqual(reported, Array.from({ length: b.to - a.from }, (_, k) => a.from + k));
  assert.equal(records.size, source.values.size - segment - (b.to - a.from));
  assert.ok(messages.some((m) => m.includes(`offsets ${a.from}..${b.to - 1} are in damaged data at byte ${a.pos} `)), messages.join('\n'));
  log.close();
});
