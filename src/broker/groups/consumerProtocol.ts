// Reads the topic list out of a consumer-protocol subscription (the JoinGroup member metadata
// of protocol type "consumer"), which OffsetDelete and offset expiry need to know what an
// active group consumes. Layout (ConsumerProtocolSubscription.json, never flexible):
//   version int16 | topics [string] | userData nullable bytes | v1+: ownedPartitions ... |
//   v2+: generationId | v3+: rackId
// Only the leading topics array is read; later fields are ignored, so every version works.

/** The subscribed topics, or null when the bytes are not a readable subscription. */
export function subscriptionTopics(metadata: Buffer): string[] | null {
  if (metadata.length < 6) return null;
  const version = metadata.readInt16BE(0);
  if (version < 0) return null;
  const count = metadata.readInt32BE(2);
  if (count < 0) return null;
  const topics: string[] = [];
  let pos = 6;
  for (let i = 0; i < count; i++) {
    if (pos + 2 > metadata.length) return null;
    const len = metadata.readInt16BE(pos);
    pos += 2;
    if (len < 0 || pos + len > metadata.length) return null;
    topics.push(metadata.toString('utf8', pos, pos + len));
    pos += len;
  }
  return topics;
}
