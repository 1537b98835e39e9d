// Names on disk and Kafka's topic-name rules (after org.apache.kafka.common.internals.Topic).

export const MAX_TOPIC_NAME_LENGTH = 249;

/** Why `name` is not a legal Kafka topic name (Kafka 4.4's words), or null when it is. */
export function validateTopicName(name: string): string | null {
  if (name.length === 0) return 'Topic name is invalid: the empty string is not allowed';
  if (name === '.' || name === '..') return `Topic name is invalid: '${name}' is not allowed`;
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `Topic name is invalid: the length of '${name}' is longer than the max allowed length ${MAX_TOPIC_NAME_LENGTH}`;
  }
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) {
    return `Topic name is invalid: '${name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return null;
}

/** Kafka treats '.' and '_' as the same in metric names, so such topics may not coexist. */
export function collisionKey(name: string): string {
  return name.replace(/\./g, '_');
}

/** Segment files are named by their base offset, zero-padded to 20 digits, as in Kafka. */
export function segmentFileName(baseOffset: number, suffix: '.log' | '.index' | '.timeindex'): string {
  return String(baseOffset).padStart(20, '0') + suffix;
}

/** Base offset of a segment file name, or undefined if it is not one. */
export function parseSegmentFileName(file: string): { baseOffset: number; suffix: string } | undefined {
  const m = /^(\d{20})(\.log|\.index|\.timeindex)$/.exec(file);
  if (!m) return undefined;
  return { baseOffset: Number(m[1]), suffix: m[2] };
}

export function partitionDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

// The cleaner's temporary files (see diskLog.ts for the crash-safe swap):
//   <B>.log.cleaned   cleaned output being written; removed at open (incomplete)
//   <B>-<E>.swap      complete cleaned output replacing the segments with base offsets in
//                     [B, E); finished at open (older segments in the range removed, renamed
//                     to <B>.log)

export function cleanedFileName(baseOffset: number): string {
  return `${segmentFileName(baseOffset, '.log')}.cleaned`;
}

export function swapFileName(baseOffset: number, endOffset: number): string {
  return `${String(baseOffset).padStart(20, '0')}-${String(endOffset).padStart(20, '0')}.swap`;
}

export function parseSwapFileName(file: string): { baseOffset: number; endOffset: number } | undefined {
  const m = /^(\d{20})-(\d{20})\.swap$/.exec(file);
  if (!m) return undefined;
  return { baseOffset: Number(m[1]), endOffset: Number(m[2]) };
}
