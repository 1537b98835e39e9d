// The idempotent producer's sequence bookkeeping (Kafka's TransactionManager, the part an
// idempotent producer without transactions needs): a producer id and epoch from
// InitProducerId, and per partition the sequence number of the next record. A batch takes its
// base sequence once, when it is sealed, and keeps it through every retry; the broker writes a
// batch only when its base sequence follows the last one it wrote for the producer (and
// answers a resent batch it already has with the first write's offset, or
// DUPLICATE_SEQUENCE_NUMBER). Sequences are int32 and wrap to 0 after 2^31-1, as
// DefaultRecordBatch.incrementSequence.
//
// The book also knows which batches of a partition are still unanswered, oldest first:
// OUT_OF_ORDER_SEQUENCE_NUMBER for a batch sent while an earlier one of its partition is
// unanswered (being retried after a leader move, say) means "send me the earlier one
// first", and the batch is retried; for the oldest unanswered batch it means records are
// lost or the broker forgot the producer, and the batch fails.

const INT32_MAX = 2147483647;

/** `sequence + increment`, wrapping after INT32_MAX to 0 (Kafka's incrementSequence). */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1;
  return sequence + increment;
}

export class SequenceBook {
  private readonly next: number[] = [];
  /** Per partition: the base sequences of the batches sent and not answered, in sequence order. */
  private readonly open: number[][] = [];

  constructor(
    readonly producerId: number,
    readonly producerEpoch: number,
  ) {}

  /** The base sequence of a new batch of `records` records for `partition` (taken once per batch). */
  take(partition: number, records: number): number {
    const base = this.next[partition] ?? 0;
    this.next[partition] = incrementSequence(base, records);
    (this.open[partition] ??= []).push(base);
    return base;
  }

  /** The sequence the next batch of `partition` gets. */
  peek(partition: number): number {
    return this.next[partition] ?? 0;
  }

  /** The batch at `base` was answered (written, duplicate, or failed for good). */
  settle(partition: number, base: number): void {
    const list = this.open[partition];
    const i = list ? list.indexOf(base) : -1;
    if (i >= 0) list!.splice(i, 1);
  }

  /** Whether a batch of `partition` older than the one at `base` is still unanswered. */
  hasEarlier(partition: number, base: number): boolean {
    const list = this.open[partition];
    return list !== undefined && list.length > 0 && list[0] !== base;
  }

  /** Unanswered batches of `partition`. */
  pending(partition: number): number {
    return this.open[partition]?.length ?? 0;
  }
}
