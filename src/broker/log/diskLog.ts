// A partition log on disk, in one directory per partition (Kafka's layout):
//
//   <dir>/00000000000000000000.log         record batches, offsets assigned
//   <dir>/00000000000000000000.index       sparse offset index
//   <dir>/00000000000000000000.timeindex   sparse time index
//   <dir>/log-start-offset-checkpoint      log start offset moved by DeleteRecords
//   <dir>/cleaner-offset-checkpoint        compaction progress (first dirty offset, tombstone deadline)
//   <dir>/recovery-point-offset-checkpoint offsets below it are fsynced: recovery starts there
//   <dir>/producer-state.snapshot          producer state (idempotence, open and aborted
//                                          transactions) as of an offset; see below
//   <dir>/.kt-clean-shutdown               present only while the files are consistent
//
// Recovery at open (Kafka's LogLoader, bounded by a recovery point). `recovery-point-offset-
// checkpoint` holds an offset below which everything is fsynced: written (atomically, durably)
// at every roll (the rolled segment was fsynced), at most once a minute after flushes, and at a
// clean stop. After a clean shutdown only the last segment is validated. Otherwise the
// segments wholly below the recovery point are trusted (not read), and the others are
// validated batch by batch (all of them when there is no checkpoint: a data directory from an
// older kt). Damage is never amplified (segmentCheck.ts): a damaged batch followed by sound
// ones is kept and reported, and reads of its offsets get CORRUPT_MESSAGE; only the last
// segment's torn tail (damage with nothing sound after it, above the recovery point) is cut
// off. No segment is ever deleted because of damage, so later data stays and offsets are never
// reused. The marker is removed before the first write (append or compaction) after open and
// written by close().
//
// Producer state (producerState.ts) is rebuilt at open from the snapshot plus the batches
// written after it; without a usable snapshot (none yet, or the log was truncated below its
// offset) from every batch. The snapshot is one CRC-framed JSON entry, replaced atomically at
// every roll, after compaction removed ABORT
// markers, after a rebuild, and at close, so a restart after a clean stop replays nothing and
// one after a crash at most the batches since the last roll.
//
// Compaction swaps cleaned segments in without a window where data is lost (Kafka's
// .cleaned/.swap protocol). For segments [B, E) cleaned into one:
//   1. write <B>.log.cleaned, fsync                   crash: the file is removed at open
//   2. rename it to <B>-<E>.swap, fsync the dir       the commit point: the swap is complete
//   3. delete the old segments in [B, E), fsync dir   crash in 2-4: open finishes the swap
//   4. rename the swap to <B>.log, fsync the dir      (deletes what is left of [B, E), renames)
// Its indexes are rebuilt from the log. The old and the cleaned data hold the same offsets and
// the latest record of every key, so whichever a crash leaves behind is a correct log.

import fs from 'node:fs';
import path from 'node:path';
import { DiskSegment } from './diskSegment.js';
import { FilePool } from './filePool.js';
import { frameEntry, fsyncDir, readFramedEntries, writeFileAtomic, writeFully } from './files.js';
import type { CleanedSegment, CleanerState } from './cleaner.js';
import { cleanedFileName, parseSegmentFileName, parseSwapFileName, segmentFileName, swapFileName } from './names.js';
import { BaseLog, type BaseLogOptions, type Segment } from './partitionLog.js';

export const CLEAN_SHUTDOWN_FILE = '.kt-clean-shutdown';
export const LOG_START_OFFSET_FILE = 'log-start-offset-checkpoint';
export const CLEANER_CHECKPOINT_FILE = 'cleaner-offset-checkpoint';
export const PRODUCER_SNAPSHOT_FILE = 'producer-state.snapshot';
export const RECOVERY_POINT_FILE = 'recovery-point-offset-checkpoint';
/** How often the recovery point follows flushes (Kafka's log.flush.offset.checkpoint.interval.ms). */
const RECOVERY_POINT_INTERVAL_MS = 60_000;

/** Steps of a compaction swap, in order (tests simulate a crash at each). */
export type SwapStep = 'cleaned-written' | 'swap-renamed' | 'old-deleted' | 'swap-installed';

export interface DiskLogOptions extends BaseLogOptions {
  dir: string;
  now?: number;
  /** The store's budget of open segment files; a log of its own when not given (tests). */
  files?: FilePool;
  /** Test hook: called after each step of a compaction swap; throwing there simulates a crash. */
  onSwapStep?: (step: SwapStep) => void;
}

export class DiskPartitionLog extends BaseLog {
  readonly dir: string;
  private cleanMarker = false;
  private hasProducerSnapshot = false;
  /** Log end offset and producer-state version the snapshot on disk was written at. */
  private snapshotAt = { offset: -1, version: -1 };
  private readonly onSwapStep: (step: SwapStep) => void;
  private readonly files: FilePool;
  protected override readonly goesOffline = true;
  /** The recovery point on disk, when it was written, and the log end the last flush covered. */
  private recoveryPoint = -1;
  private recoveryPointSavedAt = 0;
  private flushedTo = 0;

  constructor(opts: DiskLogOptions) {
    super(opts);
    this.dir = opts.dir;
    this.onSwapStep = opts.onSwapStep ?? (() => {});
    this.files = opts.files ?? new FilePool();
    try {
      this.load(opts.now ?? Date.now());
    } catch (e) {
      this.discard(); // no descriptor outlives a log that could not be opened
      throw e;
    }
  }

  private readonly indexInterval = () => this.config.indexIntervalBytes;

  /** Finishes or rolls back a compaction swap a crash interrupted (see the top of the file). */
  private recoverSwaps(): void {
    for (const f of fs.readdirSync(this.dir)) {
      if (f.endsWith('.cleaned')) {
        fs.rmSync(path.join(this.dir, f), { force: true });
        this.log(`${this.name}: removed incomplete compaction output ${f}`);
      }
    }
    for (const f of fs.readdirSync(this.dir)) {
      const swap = parseSwapFileName(f);
      if (!swap) continue;
      for (const other of fs.readdirSync(this.dir)) {
        const seg = parseSegmentFileName(other);
        if (seg && seg.baseOffset >= swap.baseOffset && seg.baseOffset < swap.endOffset) fs.rmSync(path.join(this.dir, other), { force: true });
      }
      fsyncDir(this.dir);
      fs.renameSync(path.join(this.dir, f), path.join(this.dir, segmentFileName(swap.baseOffset, '.log')));
      fsyncDir(this.dir);
      this.log(`${this.name}: finished an interrupted compaction swap: ${f} replaces the segments from offset ${swap.baseOffset} to ${swap.endOffset - 1}`);
    }
  }

  private load(now: number): void {
    fs.mkdirSync(this.dir, { recursive: true });
    this.recoverSwaps();
    const files = fs.readdirSync(this.dir);
    const bases: number[] = [];
    const withLog = new Set<number>();
    for (const f of files) {
      const seg = parseSegmentFileName(f);
      if (seg?.suffix === '.log') {
        bases.push(seg.baseOffset);
        withLog.add(seg.baseOffset);
      }
    }
    for (const f of files) {
      const seg = parseSegmentFileName(f);
      if (f.endsWith('.tmp') || (seg && !withLog.has(seg.baseOffset))) {
        fs.rmSync(path.join(this.dir, f), { force: true });
        this.log(`${this.name}: removed leftover file ${f}`);
      }
    }
    bases.sort((a, b) => a - b);
    this.cleanMarker = files.includes(CLEAN_SHUTDOWN_FILE);

    // Segments wholly below the recovery point were fsynced (at their roll, or by a flush the
    // checkpoint recorded) and are trusted as they are; the rest are checked batch by batch.
    const recoveryPoint = this.readOffsetFile(RECOVERY_POINT_FILE);
    const checked = (i: number): boolean => i === bases.length - 1
      || (!this.cleanMarker && (recoveryPoint === undefined || bases[i + 1] > recoveryPoint));
    if (!this.cleanMarker && bases.length > 0) {
      const n = bases.filter((_, i) => checked(i)).length;
      this.log(recoveryPoint === undefined
        ? `${this.name}: no clean-shutdown marker and no ${RECOVERY_POINT_FILE}: checking all ${bases.length} segment(s)`
        : `${this.name}: no clean-shutdown marker: checking ${n} segment(s) from the recovery point ${recoveryPoint}; ${bases.length - n} older segment(s) trusted`);
    }

    let minOffset = bases[0] ?? 0;
    for (let i = 0; i < bases.length; i++) {
      const base = bases[i];
      const last = i === bases.length - 1;
      const loaded = DiskSegment.load(this.dir, base, {
        files: this.files,
        indexInterval: this.indexInterval,
        validate: checked(i),
        minOffset: Math.min(minOffset, base),
        nextBase: last ? undefined : bases[i + 1],
        recoveryPoint,
        now,
        log: (msg) => this.log(`${this.name}: ${msg}`),
      });
      this.adopt(loaded.segment);
      this.segments.push(loaded.segment);
      minOffset = loaded.segment.nextOffset;
      for (const d of loaded.damaged) {
        // Kept, never cut: later data stays, the offsets are not reused, reads of these get CORRUPT_MESSAGE.
        const lost = d.to > d.from ? `offsets ${d.from}..${d.to - 1} cannot be read and are reported to readers` : 'it holds no offsets';
        this.log(`${this.name}: segment ${segmentFileName(base, '.log')}: damaged data at bytes ${d.pos}..${d.end - 1} (${d.why}); ${lost}; the rest of the log is kept`);
      }
      if (loaded.problem) {
        this.log(`${this.name}: segment ${segmentFileName(base, '.log')}: ${loaded.problem}; truncated to ${loaded.segment.size} bytes (log end offset ${minOffset})`);
      }
    }

    const checkpoint = this.readOffsetFile(LOG_START_OFFSET_FILE) ?? 0;
    if (this.segments.length === 0) {
      this.segments.push(this.adopt(DiskSegment.create(this.dir, checkpoint, this.files, this.indexInterval, now)));
    } else {
      (this.active as DiskSegment).activate();
    }
    this.startOffset = Math.max(checkpoint, this.segments[0].baseOffset);
    if (this.startOffset > this.logEndOffset) {
      // Records below the checkpoint were lost: restart the log there so offsets never repeat.
      this.log(`${this.name}: log start offset ${this.startOffset} is past the recovered end ${this.logEndOffset}; starting an empty log there`);
      for (const s of this.segments) s.delete();
      this.segments = [this.adopt(DiskSegment.create(this.dir, this.startOffset, this.files, this.indexInterval, now))];
    }
    this.deleteOldSegments((_, next) => next <= this.startOffset, 'below the log start offset');
    // Records past a truncation point are new and dirty: the cleaner must not skip them.
    const cleaner = this.readCleanerCheckpoint();
    if (cleaner && cleaner.firstDirtyOffset > this.logEndOffset) {
      this.writeCleanerCheckpoint({ ...cleaner, firstDirtyOffset: this.logEndOffset });
    }
    this.loadProducerState();
    // Every rolled segment was fsynced when it rolled: the recovery point is at least the
    // active segment's base, and never past the log end.
    // (With one segment there is nothing to gain: the last segment is always checked. So a new
    // partition costs no extra file until its first roll.)
    const point = Math.min(Math.max(recoveryPoint ?? -1, this.active.baseOffset), this.logEndOffset);
    if (point !== recoveryPoint && (recoveryPoint !== undefined || this.segments.length > 1)) this.saveRecoveryPoint(point, now);
    else this.recoveryPoint = point;
  }

  /** A segment of this log reports damage that a read finds to the partition's log. */
  private adopt(s: DiskSegment): DiskSegment {
    s.report = (msg) => this.log(`${this.name}: ${msg}`);
    return s;
  }

  /**
   * The offset in a checkpoint file of this log (the recovery point, the log start offset), or
   * undefined when there is none or it is unreadable (said in the log).
   */
  private readOffsetFile(name: string): number | undefined {
    let text: string;
    try {
      text = fs.readFileSync(path.join(this.dir, name), 'utf8');
    } catch {
      return undefined;
    }
    const n = Number(text.trim());
    if (text.trim() === '' || !Number.isSafeInteger(n) || n < 0) {
      this.log(`${this.name}: ignoring unreadable ${name} (${JSON.stringify(text.slice(0, 40))})`);
      return undefined;
    }
    return n;
  }

  /**
   * Records that every offset below `offset` is fsynced (atomically, durably). Best effort: a
   * checkpoint that could not be written only means more is checked at the next start.
   */
  private saveRecoveryPoint(offset: number, now = Date.now()): void {
    try {
      writeFileAtomic(path.join(this.dir, RECOVERY_POINT_FILE), `${offset}\n`);
      this.recoveryPoint = offset;
      this.recoveryPointSavedAt = now;
    } catch (e) {
      this.log(`${this.name}: cannot write ${RECOVERY_POINT_FILE}: ${(e as Error).message}`);
    }
  }

  /** A roll fsynced the old segment: the new one's base is the recovery point. */
  protected override roll(now: number): void {
    super.roll(now);
    this.saveRecoveryPoint(this.active.baseOffset, now);
    // Even without producer state, so that a start after a crash replays the active segment only.
    this.saveProducerSnapshot(true);
  }

  override flush(now = Date.now()): void {
    super.flush(now);
    if (!this.closed && !this.offline) this.flushedTo = this.logEndOffset;
  }

  /** Maintenance, then the recovery point moves to what flushes covered, at most once a minute (Kafka's log.flush.offset.checkpoint.interval.ms). */
  override maintain(now: number): void {
    super.maintain(now);
    if (!this.closed && !this.offline && this.flushedTo > this.recoveryPoint && now - this.recoveryPointSavedAt >= RECOVERY_POINT_INTERVAL_MS) {
      this.saveRecoveryPoint(this.flushedTo, now);
    }
  }

  /** The snapshot, then the batches after it (everything without a usable snapshot). */
  private loadProducerState(): void {
    const file = path.join(this.dir, PRODUCER_SNAPSHOT_FILE);
    let from = this.startOffset;
    let why: string | undefined;
    let data: Buffer | undefined;
    try {
      data = fs.readFileSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (data) {
      this.hasProducerSnapshot = true;
      const { entries, problem } = readFramedEntries(data);
      try {
        if (entries.length !== 1 || problem) throw new Error(problem ?? 'not one entry');
        const offset = this.producers.loadSnapshot(entries[0]);
        if (offset > this.logEndOffset) {
          this.producers.clear();
          why = `its offset ${offset} is past the recovered log end ${this.logEndOffset}`;
        } else {
          from = Math.max(offset, this.startOffset);
          this.snapshotAt = { offset, version: this.producers.version };
        }
      } catch (e) {
        this.producers.clear();
        why = `unreadable (${(e as Error).message})`;
      }
    } else if (this.logEndOffset > this.startOffset) why = 'there is none';
    if (from >= this.logEndOffset && !why) return;
    const started = Date.now();
    const n = this.replayProducerState(from);
    if (why) {
      this.log(`${this.name}: producer state snapshot ${why}; rebuilt from ${this.logEndOffset - from} offset(s) of the log in ${Date.now() - started} ms (${n} batch(es) with a producer id, ${this.producers.size} producer(s), ${this.openTransactions().length} open transaction(s))`);
    }
    if (n > 0 || why) this.saveProducerSnapshot(true);
  }

  /**
   * Writes the producer state snapshot (at rolls only once there is state to keep), unless the
   * one on disk is already as of the log end. Not fsynced: the snapshot is CRC-checked and
   * only saves work, so a machine crash at worst means replaying more of the log (or all of it).
   */
  protected override saveProducerSnapshot(always = false): void {
    if (!always && !this.hasProducerSnapshot && this.producers.isEmpty) return;
    const at = { offset: this.logEndOffset, version: this.producers.version };
    if (at.offset === this.snapshotAt.offset && at.version === this.snapshotAt.version) return;
    try {
      writeFileAtomic(path.join(this.dir, PRODUCER_SNAPSHOT_FILE), frameEntry(this.producers.toSnapshot(at.offset)), { durable: false });
      this.hasProducerSnapshot = true;
      this.snapshotAt = at;
    } catch (e) {
      // only costs a longer replay at the next start
      this.log(`${this.name}: cannot write ${PRODUCER_SNAPSHOT_FILE}: ${(e as Error).message}`);
    }
  }

  protected createSegment(baseOffset: number, now: number): Segment {
    return this.adopt(DiskSegment.create(this.dir, baseOffset, this.files, this.indexInterval, now));
  }

  protected saveLogStartOffset(offset: number): void {
    writeFileAtomic(path.join(this.dir, LOG_START_OFFSET_FILE), `${offset}\n`);
  }

  protected override readCleanerCheckpoint(): CleanerState | undefined {
    let text: string;
    try {
      text = fs.readFileSync(path.join(this.dir, CLEANER_CHECKPOINT_FILE), 'utf8');
    } catch {
      return undefined;
    }
    const [dirty, deadline] = text.trim().split(/\s+/).map(Number);
    if (!Number.isSafeInteger(dirty) || dirty < 0 || !Number.isSafeInteger(deadline)) {
      this.log(`${this.name}: ignoring unreadable ${CLEANER_CHECKPOINT_FILE}; the next compaction pass starts from the log start`);
      return undefined;
    }
    return { firstDirtyOffset: dirty, tombstoneDeadline: deadline < 0 ? Infinity : deadline };
  }

  protected override writeCleanerCheckpoint(state: CleanerState): void {
    const deadline = state.tombstoneDeadline === Infinity ? -1 : state.tombstoneDeadline;
    writeFileAtomic(path.join(this.dir, CLEANER_CHECKPOINT_FILE), `${state.firstDirtyOffset} ${deadline}\n`);
  }

  protected startCleaned(baseOffset: number): CleanedSegment {
    const cleaned = path.join(this.dir, cleanedFileName(baseOffset));
    let fd: number | undefined = fs.openSync(cleaned, 'w');
    let size = 0;
    const closeFd = (): void => {
      if (fd !== undefined) fs.closeSync(fd);
      fd = undefined;
    };
    return {
      append: (batch) => {
        writeFully(fd as number, batch, size);
        size += batch.length;
      },
      commit: (old, endOffset, lastModified) => {
        fs.fdatasyncSync(fd as number);
        // The merged segment is as old as its newest source (retention, tombstone expiry).
        const mtime = new Date(lastModified);
        fs.futimesSync(fd as number, mtime, mtime);
        closeFd();
        this.onSwapStep('cleaned-written');
        const swap = path.join(this.dir, swapFileName(baseOffset, endOffset));
        fs.renameSync(cleaned, swap);
        fsyncDir(this.dir);
        this.onSwapStep('swap-renamed');
        for (const s of old) s.delete();
        fsyncDir(this.dir);
        this.onSwapStep('old-deleted');
        fs.renameSync(swap, path.join(this.dir, segmentFileName(baseOffset, '.log')));
        fsyncDir(this.dir);
        this.onSwapStep('swap-installed');
        const loaded = DiskSegment.load(this.dir, baseOffset, {
          files: this.files,
          indexInterval: this.indexInterval,
          validate: false,
          minOffset: baseOffset,
          nextBase: endOffset,
          now: Date.now(),
          log: () => {}, // "index missing, rebuilding" is expected here
        });
        if (loaded.problem) this.log(`${this.name}: cleaned segment ${segmentFileName(baseOffset, '.log')}: ${loaded.problem}`);
        return this.adopt(loaded.segment);
      },
      abort: () => {
        closeFd();
        fs.rmSync(cleaned, { force: true });
      },
    };
  }

  protected override beforeWrite(): void {
    if (!this.cleanMarker) return;
    // Durably gone before any data changes, so a crash from here on triggers a full check.
    fs.rmSync(path.join(this.dir, CLEAN_SHUTDOWN_FILE), { force: true });
    fsyncDir(this.dir);
    this.cleanMarker = false;
  }

  /** A clean stop: snapshot, flush, close, marker. After a storage error no marker is written (throws). */
  override close(): void {
    if (this.closed) return;
    if (!this.offline) this.saveProducerSnapshot(true);
    super.close();
    // Everything is fsynced now (super.close() throws otherwise).
    this.saveRecoveryPoint(this.logEndOffset);
    if (!this.cleanMarker) {
      fs.closeSync(fs.openSync(path.join(this.dir, CLEAN_SHUTDOWN_FILE), 'w'));
      fsyncDir(this.dir);
      this.cleanMarker = true;
    }
  }

  /** Closes the log and removes its directory (topic deletion). */
  delete(): void {
    this.discard();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
