// A partition log on disk, in one directory per partition (Kafka's layout):
//
//   <dir>/00000000000000000000.log         record batches, offsets assigned
//   <dir>/00000000000000000000.index       sparse offset index
//   <dir>/00000000000000000000.timeindex   sparse time index
//   <dir>/log-start-offset-checkpoint      log start offset moved by DeleteRecords
//   <dir>/.kt-clean-shutdown               present only while the files are consistent
//
// Recovery at open (Kafka's LogLoader): after a clean shutdown only the last segment is
// validated; otherwise every segment. The first torn or corrupt batch truncates its segment
// there, and every later segment is deleted, so the log stays a gap-free prefix of what was
// written. The marker is removed before the first write after open and written by close().

import fs from 'node:fs';
import path from 'node:path';
import { DiskSegment } from './diskSegment.js';
import { fsyncDir, writeFileAtomic } from './files.js';
import { parseSegmentFileName, segmentFileName } from './names.js';
import { BaseLog, type BaseLogOptions, type Segment } from './partitionLog.js';

export const CLEAN_SHUTDOWN_FILE = '.kt-clean-shutdown';
export const LOG_START_OFFSET_FILE = 'log-start-offset-checkpoint';

export interface DiskLogOptions extends BaseLogOptions {
  dir: string;
  now?: number;
}

export class DiskPartitionLog extends BaseLog {
  readonly dir: string;
  private cleanMarker = false;

  constructor(opts: DiskLogOptions) {
    super(opts);
    this.dir = opts.dir;
    this.load(opts.now ?? Date.now());
  }

  private readonly indexInterval = () => this.config.indexIntervalBytes;

  private load(now: number): void {
    fs.mkdirSync(this.dir, { recursive: true });
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
    if (!this.cleanMarker && bases.length > 0) {
      this.log(`${this.name}: no clean-shutdown marker, validating all ${bases.length} segment(s)`);
    }

    let minOffset = bases[0] ?? 0;
    for (let i = 0; i < bases.length; i++) {
      const base = bases[i];
      const last = i === bases.length - 1;
      let problem: string | undefined;
      if (base < minOffset) {
        problem = `segment ${segmentFileName(base, '.log')} overlaps the previous one, which ends at offset ${minOffset}`;
        this.log(`${this.name}: ${problem}`);
      } else {
        const loaded = DiskSegment.load(this.dir, base, {
          indexInterval: this.indexInterval,
          validate: !this.cleanMarker || last,
          minOffset,
          nextBase: last ? undefined : bases[i + 1],
          now,
          log: (msg) => this.log(`${this.name}: ${msg}`),
        });
        this.segments.push(loaded.segment);
        minOffset = loaded.segment.nextOffset;
        if (loaded.problem) {
          problem = loaded.problem;
          this.log(`${this.name}: segment ${segmentFileName(base, '.log')}: ${problem}; truncated to ${loaded.segment.size} bytes (log end offset ${minOffset})`);
        }
      }
      if (problem) {
        for (const later of bases.slice(this.segments.length)) {
          this.deleteSegmentFiles(later);
          this.log(`${this.name}: deleted segment ${segmentFileName(later, '.log')} after the damaged data`);
        }
        break;
      }
    }

    const checkpoint = this.readLogStartOffset();
    if (this.segments.length === 0) {
      this.segments.push(DiskSegment.create(this.dir, checkpoint, this.indexInterval, now));
    } else {
      (this.active as DiskSegment).activate();
    }
    this.startOffset = Math.max(checkpoint, this.segments[0].baseOffset);
    if (this.startOffset > this.logEndOffset) {
      // Records below the checkpoint were lost: restart the log there so offsets never repeat.
      this.log(`${this.name}: log start offset ${this.startOffset} is past the recovered end ${this.logEndOffset}; starting an empty log there`);
      for (const s of this.segments) s.delete();
      this.segments = [DiskSegment.create(this.dir, this.startOffset, this.indexInterval, now)];
    }
    this.deleteOldSegments((_, next) => next <= this.startOffset, 'below the log start offset');
  }

  private deleteSegmentFiles(base: number): void {
    for (const suffix of ['.log', '.index', '.timeindex'] as const) {
      fs.rmSync(path.join(this.dir, segmentFileName(base, suffix)), { force: true });
    }
  }

  private readLogStartOffset(): number {
    const file = path.join(this.dir, LOG_START_OFFSET_FILE);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return 0;
    }
    const n = Number(text.trim());
    if (!Number.isSafeInteger(n) || n < 0) {
      this.log(`${this.name}: ignoring unreadable ${LOG_START_OFFSET_FILE} (${JSON.stringify(text.slice(0, 40))})`);
      return 0;
    }
    return n;
  }

  protected createSegment(baseOffset: number, now: number): Segment {
    return DiskSegment.create(this.dir, baseOffset, this.indexInterval, now);
  }

  protected saveLogStartOffset(offset: number): void {
    writeFileAtomic(path.join(this.dir, LOG_START_OFFSET_FILE), `${offset}\n`);
  }

  protected override beforeWrite(): void {
    if (!this.cleanMarker) return;
    // Durably gone before any data changes, so a crash from here on triggers a full check.
    fs.rmSync(path.join(this.dir, CLEAN_SHUTDOWN_FILE), { force: true });
    fsyncDir(this.dir);
    this.cleanMarker = false;
  }

  override close(): void {
    if (this.closed) return;
    super.close();
    if (!this.cleanMarker) {
      fs.closeSync(fs.openSync(path.join(this.dir, CLEAN_SHUTDOWN_FILE), 'w'));
      fsyncDir(this.dir);
      this.cleanMarker = true;
    }
  }

  /** Closes the log and removes its directory (topic deletion). */
  delete(): void {
    if (!this.closed) {
      super.close();
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
