// Transaction markers: the control batches the coordinator writes to every partition of a
// transaction when it ends (Kafka's EndTransactionMarker). One record per batch:
//   key   = version int16 (0) + type int16 (0 ABORT, 1 COMMIT)
//   value = version int16 (0) + coordinator epoch int32
// The batch has the transactional (0x10) and control (0x20) attributes, the producer id and
// epoch of the transaction, no sequence (-1), and is never compressed.

import { ATTR_CONTROL, ATTR_TRANSACTIONAL, buildBatch } from '../../protocol/recordBatch.js';
import { CONTROL_ABORT, CONTROL_COMMIT } from '../log/producerState.js';

/** This single node is the coordinator of every transactional id, always in epoch 0. */
export const COORDINATOR_EPOCH = 0;

export function markerBatch(producerId: number, producerEpoch: number, commit: boolean, now = Date.now()): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(commit ? CONTROL_COMMIT : CONTROL_ABORT, 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(COORDINATOR_EPOCH, 2);
  return buildBatch([{ key, value, timestamp: now }], {
    producerId,
    producerEpoch,
    baseSequence: -1,
    attributes: ATTR_TRANSACTIONAL | ATTR_CONTROL,
  });
}
