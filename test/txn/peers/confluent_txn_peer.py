#!/usr/bin/python3
"""confluent-kafka-python (Debian's python3-confluent-kafka, librdkafka 2.0) for the transaction
tests. One JSON request on stdin, one JSON answer on stdout:

  {"op": "consume", "bootstrap", "topic", "isolation": "read_committed"|"read_uncommitted"}
      -> {"values": [...]}: every partition from the beginning to its end (partition EOF, which
         librdkafka reports at the last stable offset with read_committed)
  {"op": "eos", "bootstrap", "input", "output", "group", "transactionalId", "commit": bool}
      -> {"produced": n, "committed": {partition: offset}}: consume-transform-produce in one
         transaction, the consumed offsets sent with send_offsets_to_transaction (AddOffsetsToTxn
         + TxnOffsetCommit v3 with the group's generation and member id), then commit or abort
"""
import json
import sys
import time
import traceback

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, Producer, TopicPartition


def consume(req):
    c = Consumer({
        'bootstrap.servers': req['bootstrap'],
        'group.id': 'ck-txn-reader-unused',
        'enable.auto.commit': False,
        'enable.partition.eof': True,
        'isolation.level': req['isolation'],
    })
    md = c.list_topics(req['topic'], timeout=10).topics[req['topic']]
    if md.error is not None:
        raise KafkaException(md.error)
    parts = sorted(md.partitions)
    c.assign([TopicPartition(req['topic'], p, OFFSET_BEGINNING) for p in parts])
    at_end = set()
    values = []
    deadline = time.time() + 20
    while len(at_end) < len(parts) and time.time() < deadline:
        m = c.poll(0.2)
        if m is None:
            continue
        if m.error():
            if m.error().code() == KafkaError._PARTITION_EOF:
                at_end.add(m.partition())
                continue
            raise KafkaException(m.error())
        values.append(m.value().decode('utf-8'))
    c.close()
    if len(at_end) < len(parts):
        raise RuntimeError('did not reach the end of every partition (%s)' % sorted(at_end))
    return {'values': values}


def eos(req):
    c = Consumer({
        'bootstrap.servers': req['bootstrap'],
        'group.id': req['group'],
        'enable.auto.commit': False,
        'auto.offset.reset': 'earliest',
        'isolation.level': 'read_committed',
    })
    p = Producer({'bootstrap.servers': req['bootstrap'], 'transactional.id': req['transactionalId']})
    p.init_transactions(10)
    c.subscribe([req['input']])
    msgs = []
    deadline = time.time() + 20
    while len(msgs) < req['expected'] and time.time() < deadline:
        for m in c.consume(num_messages=100, timeout=0.3):
            if m.error():
                raise KafkaException(m.error())
            msgs.append(m)
    if len(msgs) < req['expected']:
        raise RuntimeError('consumed %d of %d' % (len(msgs), req['expected']))
    p.begin_transaction()
    for m in msgs:
        p.produce(req['output'], key=m.key(), value=m.value().upper(), partition=m.partition())
    p.send_offsets_to_transaction(c.position(c.assignment()), c.consumer_group_metadata(), 10)
    if req['commit']:
        p.commit_transaction(10)
    else:
        p.abort_transaction(10)
    committed = {}
    for tp in c.committed([TopicPartition(req['input'], tp.partition) for tp in c.assignment()], timeout=10):
        committed[str(tp.partition)] = tp.offset
    c.close()
    return {'produced': len(msgs), 'committed': committed}


def main():
    req = json.load(sys.stdin)
    try:
        out = {'consume': consume, 'eos': eos}[req['op']](req)
    except Exception as e:  # reported to the test
        out = {'error': '%s: %s' % (type(e).__name__, e), 'trace': traceback.format_exc()[-2000:]}
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
