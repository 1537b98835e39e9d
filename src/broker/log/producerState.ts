// Per-partition producer state (Kafka's ProducerStateManager): what idempotence and
// transactions need to know about each producer id that wrote to the partition.
//
//   producer id -> epoch, the sequence/offset ranges of its last 5 batches (duplicate
//                  detection), the first offset of its open transaction (-1: none),
//                  coordinator epoch of its last marker, last append time (expiry)
//   open transactions      producer id -> first offset; the last stable offset (LSO) is the
//                          smallest of them, or the log end offset when there is none
//   aborted transactions   (producer id, first offset, last offset = the ABORT marker) in
//                          marker order: Kafka's .txnindex, what Fetch returns to
//                          read_committed consumers so that they drop aborted records
//
// Appends go in two steps: prepare() checks every batch of a produce payload against a copy of
// the state (duplicate, epoch, sequence, transactional flag) and returns the staged changes,
// commit() applies them once the data is written. replay() applies a batch read back from the
// log without checks (rebuilding at start). Snapshots (toSnapshot / fromSnapshot) let a restart
// replay only the batches written after them.

import { Reader } from '../../protocol/bytes.js';
import { KafkaError } from '../../protocol/errors.js';
import { ATTR_CONTROL, ATTR_TRANSACTIONAL, BATCH_HEADER_SIZE, readRecords, type BatchHeader } from '../../protocol/recordBatch.js';
import { ATTRIBUTES_OFFSET, ATTR_CODEC_MASK } from '../../protocol/batchLayout.js';

/** Kafka's ProducerStateEntry.NUM_BATCHES_TO_RETAIN (and max.in.flight for idempotence). */
export const NUM_BATCHES_TO_RETAIN = 5;
const INT32_MAX = 2147483647;
export const CONTROL_ABORT = 0;
export const CONTROL_COMMIT = 1;

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
}

export interface ProducerEntry {
  producerId: number;
  epoch: number;
  /** Oldest first, at most NUM_BATCHES_TO_RETAIN. */
  batches: BatchMetadata[];
  /** First offset of the producer's open transaction in this partition, -1 when none. */
  txnFirstOffset: number;
  coordinatorEpoch: number;
  /** Broker time of the last write (batch timestamp for state rebuilt from the log). */
  lastTimestamp: number;
}

export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
  /** Offset of the ABORT marker. */
  lastOffset: number;
}

/** The outcome of prepare(): a duplicate to answer with, or changes to commit after the write. */
export type PreparedAppend =
  | { duplicate: BatchMetadata }
  | { duplicate?: undefined; entries: Map<number, ProducerEntry>; aborted: AbortedTxn[]; opened: Map<number, number>; closed: Set<number> };

/** The batch's last sequence: Kafka's DefaultRecordBatch.incrementSequence (int32 wrap). */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1;
  return sequence + increment;
}

/** Kafka's inSequence: the next batch starts right after the last one (0 after INT32_MAX). */
function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

/** The marker type (CONTROL_ABORT / CONTROL_COMMIT) of a control batch, or -1 if unreadable. */
export function controlType(batch: Buffer, pos = 0, size = batch.length - pos): number {
  const codec = batch.readInt16BE(pos + ATTRIBUTES_OFFSET) & ATTR_CODEC_MASK;
  try {
    if (codec === 0) {
      // uncompressed (always, when Kafka or this broker wrote it): the first record's key
      const r = new Reader(batch, pos + BATCH_HEADER_SIZE, pos + size);
      r.varint(); // length
      r.int8(); // attributes
      r.varlong(); // timestamp delta
      r.varint(); // offset delta
      const keyLength = r.varint();
      if (keyLength < 4 || r.pos + 4 > pos + size) return -1;
      return batch.readInt16BE(r.pos + 2);
    }
    const key = readRecords(batch.subarray(pos, pos + size))[0]?.key;
    return key && key.length >= 4 ? key.readInt16BE(2) : -1;
  } catch {
    return -1;
  }
}

/** The coordinator epoch in a marker's value (version int16, epoch int32), or -1 if unreadable. */
export function markerCoordinatorEpoch(batch: Buffer, pos = 0, size = batch.length - pos): number {
  try {
    const value = readRecords(batch.subarray(pos, pos + size))[0]?.value;
    return value && value.length >= 6 ? value.readInt32BE(2) : -1;
  } catch {
    return -1;
  }
}

function cloneEntry(e: ProducerEntry): ProducerEntry {
  return { ...e, batches: e.batches.slice() };
}

/** Kafka's ProducerStateEntry.maybeUpdateProducerEpoch: a new epoch forgets the old batches. */
function updateEpoch(e: ProducerEntry, epoch: number): void {
  if (e.epoch !== epoch) {
    e.epoch = epoch;
    e.batches = [];
  }
}

function addBatch(e: ProducerEntry, epoch: number, meta: BatchMetadata): void {
  updateEpoch(e, epoch);
  e.batches.push(meta);
  if (e.batches.length > NUM_BATCHES_TO_RETAIN) e.batches.shift();
}

interface SnapshotV1 {
  version: 1;
  /** State as of this offset: replay batches from here on. */
  offset: number;
  /** [producerId, epoch, txnFirstOffset, coordinatorEpoch, lastTimestamp, [firstSeq, lastSeq, firstOffset, lastOffset][]] */
  producers: [number, number, number, number, number, [number, number, number, number][]][];
  /** [producerId, firstOffset, lastOffset] */
  aborted: [number, number, number][];
}

export class ProducerStateManager {
  private producers = new Map<number, ProducerEntry>();
  /** Open transactions: producer id -> first offset. */
  private ongoing = new Map<number, number>();
  private firstUnstable = -1;
  /** Aborted transactions, ascending by lastOffset (markers are appended in offset order). */
  private aborted: AbortedTxn[] = [];
  /** Largest lastOffset - firstOffset of an aborted transaction: bounds the Fetch lookup. */
  private maxAbortedSpan = 0;
  /** Grows with every change (the disk log skips rewriting an unchanged snapshot). */
  version = 0;

  constructor(private readonly partitionName: string) {}

  get size(): number {
    return this.producers.size;
  }

  get isEmpty(): boolean {
    return this.producers.size === 0 && this.aborted.length === 0;
  }

  entry(producerId: number): ProducerEntry | undefined {
    const e = this.producers.get(producerId);
    return e && cloneEntry(e);
  }

  /** Every producer id the partition keeps state for (DescribeProducers), copies, by producer id. */
  activeProducers(): ProducerEntry[] {
    return [...this.producers.values()].map(cloneEntry).sort((a, b) => a.producerId - b.producerId);
  }

  /** First offset of the earliest open transaction, or undefined when none is open. */
  get firstUnstableOffset(): number | undefined {
    return this.firstUnstable < 0 ? undefined : this.firstUnstable;
  }

  /** Open transactions (producer id, epoch, first offset), earliest first. */
  openTransactions(): { producerId: number; producerEpoch: number; firstOffset: number }[] {
    return [...this.ongoing]
      .map(([producerId, firstOffset]) => ({ producerId, producerEpoch: this.producers.get(producerId)?.epoch ?? -1, firstOffset }))
      .sort((a, b) => a.firstOffset - b.firstOffset);
  }

  private recomputeFirstUnstable(): void {
    let min = -1;
    for (const o of this.ongoing.values()) if (min < 0 || o < min) min = o;
    this.firstUnstable = min;
  }

  /**
   * Checks the batches of one produce payload (offsets already computed, `batches[i]` at
   * `positions[i]`) as Kafka's ProducerAppendInfo does for a client append. Throws KafkaError
   * OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH or INVALID_TXN_STATE; returns the
   * original batch when the payload repeats one of a producer's last five (an idempotent retry).
   */
  prepare(payload: Buffer, batches: { position: number; header: BatchHeader; baseOffset: number; lastOffset: number }[], now: number): PreparedAppend {
    // A retry of one of the last batches is answered with that batch's offsets (Kafka checks
    // the payload's batches against the state before the append, and stops at the first).
    for (const b of batches) {
      const h = b.header;
      if (h.producerId < 0 || (h.attributes & ATTR_CONTROL) !== 0) continue;
      const e = this.producers.get(h.producerId);
      if (!e || e.epoch !== h.producerEpoch) continue;
      const lastSeq = incrementSequence(h.baseSequence, h.lastOffsetDelta);
      const dup = e.batches.find((m) => m.firstSeq === h.baseSequence && m.lastSeq === lastSeq);
      if (dup) return { duplicate: { ...dup } };
    }
    const entries = new Map<number, ProducerEntry>();
    const aborted: AbortedTxn[] = [];
    const opened = new Map<number, number>();
    const closed = new Set<number>();
    /** Producers with a data batch earlier in this payload: later ones chain on it. */
    const chained = new Set<number>();
    for (const b of batches) {
      const h = b.header;
      if (h.producerId < 0) continue;
      const current = this.producers.get(h.producerId);
      let e = entries.get(h.producerId);
      if (!e) {
        e = current ? cloneEntry(current) : { producerId: h.producerId, epoch: -1, batches: [], txnFirstOffset: -1, coordinatorEpoch: -1, lastTimestamp: now };
        entries.set(h.producerId, e);
      }
      if ((h.attributes & ATTR_CONTROL) !== 0) {
        const type = controlType(payload, b.position, h.size);
        if (type !== CONTROL_ABORT && type !== CONTROL_COMMIT) {
          throw new KafkaError('INVALID_RECORD', `control batch at offset ${b.baseOffset} of ${this.partitionName} is neither an ABORT nor a COMMIT marker`);
        }
        this.applyMarker(e, h, b.baseOffset, type, now, aborted, closed, opened);
        e.coordinatorEpoch = markerCoordinatorEpoch(payload, b.position, h.size);
        continue;
      }
      // Kafka's checkProducerEpoch (a client append: InvalidProducerEpochException, KIP-588)
      if (h.producerEpoch < e.epoch) {
        throw new KafkaError('INVALID_PRODUCER_EPOCH',
          `Epoch of producer ${h.producerId} at offset ${b.baseOffset} in ${this.partitionName} is ${h.producerEpoch}, which is smaller than the last seen epoch ${e.epoch}`);
      }
      // Kafka's checkSequence
      if (h.producerEpoch !== e.epoch) {
        if (h.baseSequence !== 0 && e.epoch !== -1) {
          throw new KafkaError('OUT_OF_ORDER_SEQUENCE_NUMBER',
            `Invalid sequence number for new epoch of producer ${h.producerId} at offset ${b.baseOffset} in partition ${this.partitionName}: ${h.producerEpoch} (request epoch), ${h.baseSequence} (seq. number), ${e.epoch} (current producer epoch)`);
        }
      } else {
        const lastSeq = e.batches.length > 0 ? e.batches[e.batches.length - 1].lastSeq : -1;
        // A producer this partition has not seen (or whose state expired) may start anywhere (KIP-360).
        const known = current !== undefined || chained.has(h.producerId);
        if (known && !inSequence(lastSeq, h.baseSequence)) {
          throw new KafkaError('OUT_OF_ORDER_SEQUENCE_NUMBER',
            `Out of order sequence number for producer ${h.producerId} at offset ${b.baseOffset} in partition ${this.partitionName}: ${h.baseSequence} (incoming seq. number), ${lastSeq} (current end sequence number)`);
        }
      }
      chained.add(h.producerId);
      this.applyData(e, h, b.baseOffset, b.lastOffset, now, opened);
    }
    return { entries, aborted, opened, closed };
  }

  private applyData(e: ProducerEntry, h: BatchHeader, baseOffset: number, lastOffset: number, now: number, opened: Map<number, number>): void {
    addBatch(e, h.producerEpoch, {
      firstSeq: h.baseSequence,
      lastSeq: incrementSequence(h.baseSequence, h.lastOffsetDelta),
      firstOffset: baseOffset,
      lastOffset,
    });
    e.lastTimestamp = now;
    const transactional = (h.attributes & ATTR_TRANSACTIONAL) !== 0;
    if (e.txnFirstOffset >= 0 && !transactional) {
      throw new KafkaError('INVALID_TXN_STATE', `Expected transactional write from producer ${h.producerId} at offset ${baseOffset} in partition ${this.partitionName}`);
    }
    if (e.txnFirstOffset < 0 && transactional) {
      e.txnFirstOffset = baseOffset;
      opened.set(h.producerId, baseOffset);
    }
  }

  private applyMarker(
    e: ProducerEntry,
    h: BatchHeader,
    offset: number,
    type: number,
    now: number,
    aborted: AbortedTxn[],
    closed: Set<number>,
    opened: Map<number, number>,
  ): void {
    if (h.producerEpoch < e.epoch) {
      throw new KafkaError('PRODUCER_FENCED',
        `Transaction marker of producer ${h.producerId} at offset ${offset} in ${this.partitionName} has epoch ${h.producerEpoch}, older than the last seen ${e.epoch}`);
    }
    // Only a transaction with data in this partition is recorded (an empty one changes no LSO).
    if (e.txnFirstOffset >= 0) {
      if (type === CONTROL_ABORT) aborted.push({ producerId: h.producerId, firstOffset: e.txnFirstOffset, lastOffset: offset });
      closed.add(h.producerId);
      opened.delete(h.producerId);
    }
    updateEpoch(e, h.producerEpoch);
    e.txnFirstOffset = -1;
    e.lastTimestamp = now;
  }

  /** Applies what prepare() staged, once the batches are in the log. */
  commit(p: PreparedAppend): void {
    if (p.duplicate) return;
    this.version++;
    for (const [pid, e] of p.entries) this.producers.set(pid, e);
    let changed = false;
    for (const pid of p.closed) changed = this.ongoing.delete(pid) || changed;
    for (const [pid, first] of p.opened) {
      this.ongoing.set(pid, first);
      changed = true;
    }
    for (const a of p.aborted) this.addAborted(a);
    if (changed) this.recomputeFirstUnstable();
  }

  private addAborted(a: AbortedTxn): void {
    const last = this.aborted[this.aborted.length - 1];
    if (last && last.lastOffset >= a.lastOffset) {
      // never expected (markers are appended in order); keep the list sorted anyway
      this.aborted.push(a);
      this.aborted.sort((x, y) => x.lastOffset - y.lastOffset);
    } else this.aborted.push(a);
    this.maxAbortedSpan = Math.max(this.maxAbortedSpan, a.lastOffset - a.firstOffset);
  }

  /**
   * Applies a batch read back from the log, without checks (state rebuilt at start). Kafka's
   * recovery does the same: what is in the log was accepted once.
   */
  replay(batch: Buffer, h: BatchHeader): void {
    if (h.producerId < 0) return;
    try {
      const p = this.prepareUnchecked(batch, h);
      this.commit(p);
    } catch {
      // a damaged marker: ignore it, as a lenient reader
    }
  }

  private prepareUnchecked(batch: Buffer, h: BatchHeader): PreparedAppend {
    const current = this.producers.get(h.producerId);
    const e = current ? cloneEntry(current) : { producerId: h.producerId, epoch: -1, batches: [], txnFirstOffset: -1, coordinatorEpoch: -1, lastTimestamp: h.maxTimestamp };
    const aborted: AbortedTxn[] = [];
    const opened = new Map<number, number>();
    const closed = new Set<number>();
    const ts = h.maxTimestamp >= 0 ? h.maxTimestamp : Date.now();
    if ((h.attributes & ATTR_CONTROL) !== 0) {
      const type = controlType(batch, 0, h.size);
      if (type === CONTROL_ABORT || type === CONTROL_COMMIT) {
        if (e.txnFirstOffset >= 0) {
          if (type === CONTROL_ABORT) aborted.push({ producerId: h.producerId, firstOffset: e.txnFirstOffset, lastOffset: h.baseOffset });
          closed.add(h.producerId);
        }
        updateEpoch(e, h.producerEpoch);
        e.txnFirstOffset = -1;
        e.coordinatorEpoch = markerCoordinatorEpoch(batch, 0, h.size);
        e.lastTimestamp = ts;
      }
    } else {
      addBatch(e, h.producerEpoch, {
        firstSeq: h.baseSequence,
        lastSeq: incrementSequence(h.baseSequence, h.lastOffsetDelta),
        firstOffset: h.baseOffset,
        lastOffset: h.baseOffset + h.lastOffsetDelta,
      });
      e.lastTimestamp = ts;
      if (e.txnFirstOffset < 0 && (h.attributes & ATTR_TRANSACTIONAL) !== 0) {
        e.txnFirstOffset = h.baseOffset;
        opened.set(h.producerId, h.baseOffset);
      }
    }
    return { entries: new Map([[h.producerId, e]]), aborted, opened, closed };
  }

  /**
   * Aborted transactions a read_committed fetch of [fetchOffset, upperBound) must know about:
   * those ending at or after fetchOffset that began before upperBound (Kafka's
   * collectAbortedTxns), earliest first offset first (kafkajs's filter expects that order).
   */
  abortedTransactions(fetchOffset: number, upperBound: number): { producerId: number; firstOffset: number }[] {
    const list = this.aborted;
    if (list.length === 0) return [];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid].lastOffset < fetchOffset) lo = mid + 1;
      else hi = mid;
    }
    const out: AbortedTxn[] = [];
    // An entry that began before upperBound ended before upperBound + the longest span.
    const limit = upperBound + this.maxAbortedSpan;
    for (let i = lo; i < list.length && list[i].lastOffset <= limit; i++) {
      if (list[i].firstOffset < upperBound) out.push(list[i]);
    }
    return out.sort((a, b) => a.firstOffset - b.firstOffset).map((a) => ({ producerId: a.producerId, firstOffset: a.firstOffset }));
  }

  /** The aborted-transaction index (oldest marker first); the cleaner reads it. */
  abortedList(): readonly AbortedTxn[] {
    return this.aborted;
  }

  /** Forgets aborted transactions whose ABORT marker (at one of `markerOffsets`) the cleaner removed. */
  removeAborted(markerOffsets: Iterable<number>): void {
    const gone = new Set(markerOffsets);
    this.aborted = this.aborted.filter((a) => !gone.has(a.lastOffset));
    this.version++;
  }

  /** The log start moved (retention, DeleteRecords): forget aborted transactions wholly below it. */
  truncateHead(logStartOffset: number): void {
    let n = 0;
    while (n < this.aborted.length && this.aborted[n].lastOffset < logStartOffset) n++;
    if (n > 0) {
      this.aborted = this.aborted.slice(n);
      this.version++;
    }
  }

  /**
   * Forgets producers idle for longer than `expirationMs` (Kafka's producer.id.expiration.ms)
   * that have no open transaction here. Returns how many were removed.
   */
  expire(now: number, expirationMs: number): number {
    let n = 0;
    for (const [pid, e] of this.producers) {
      if (e.txnFirstOffset < 0 && now - e.lastTimestamp >= expirationMs) {
        this.producers.delete(pid);
        n++;
      }
    }
    if (n > 0) this.version++;
    return n;
  }

  toSnapshot(offset: number): Buffer {
    const snap: SnapshotV1 = {
      version: 1,
      offset,
      producers: [...this.producers.values()].map((e) => [
        e.producerId, e.epoch, e.txnFirstOffset, e.coordinatorEpoch, e.lastTimestamp,
        e.batches.map((b) => [b.firstSeq, b.lastSeq, b.firstOffset, b.lastOffset] as [number, number, number, number]),
      ]),
      aborted: this.aborted.map((a) => [a.producerId, a.firstOffset, a.lastOffset]),
    };
    return Buffer.from(JSON.stringify(snap));
  }

  /** Replaces the state with a snapshot; returns its offset, or throws when it is not one. */
  loadSnapshot(data: Buffer): number {
    const snap = JSON.parse(data.toString('utf8')) as SnapshotV1;
    if (snap.version !== 1 || !Number.isSafeInteger(snap.offset) || !Array.isArray(snap.producers) || !Array.isArray(snap.aborted)) {
      throw new Error('not a producer state snapshot (version 1)');
    }
    this.producers = new Map();
    this.ongoing = new Map();
    for (const [producerId, epoch, txnFirstOffset, coordinatorEpoch, lastTimestamp, batches] of snap.producers) {
      this.producers.set(producerId, {
        producerId, epoch, txnFirstOffset, coordinatorEpoch, lastTimestamp,
        batches: batches.map(([firstSeq, lastSeq, firstOffset, lastOffset]) => ({ firstSeq, lastSeq, firstOffset, lastOffset })),
      });
      if (txnFirstOffset >= 0) this.ongoing.set(producerId, txnFirstOffset);
    }
    this.aborted = [];
    this.maxAbortedSpan = 0;
    for (const [producerId, firstOffset, lastOffset] of snap.aborted) this.addAborted({ producerId, firstOffset, lastOffset });
    this.recomputeFirstUnstable();
    this.version++;
    return snap.offset;
  }

  clear(): void {
    this.producers = new Map();
    this.ongoing = new Map();
    this.aborted = [];
    this.maxAbortedSpan = 0;
    this.firstUnstable = -1;
    this.version++;
  }
}
