#!/usr/bin/python3
"""A confluent-kafka consumer with group.protocol=consumer (KIP-848) as a live process for the
interop test kip848.test.ts (PyPI's confluent-kafka, librdkafka >= 2.4).

  kip848_member.py BOOTSTRAP GROUP TOPIC

Prints one JSON object a line: {"assigned": [partitions]} / {"revoked": [partitions]} as
librdkafka's callbacks report them, {"record": [partition, offset, value]} for each record,
after committing its offset (synchronously), and {"closed": true} at the end. Reads commands
from stdin: "close" leaves the group (Consumer.close()) and exits.
"""
import json
import os
import select
import sys

from confluent_kafka import Consumer, TopicPartition


def say(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


def main():
    bootstrap, group, topic = sys.argv[1:4]
    c = Consumer({
        'bootstrap.servers': bootstrap,
        'group.id': group,
        'group.protocol': 'consumer',
        'client.id': 'kip848-' + str(os.getpid()),
        'auto.offset.reset': 'earliest',
        'enable.auto.commit': False,
    })

    def on_assign(_c, parts):
        say({'assigned': sorted(p.partition for p in parts)})

    def on_revoke(_c, parts):
        say({'revoked': sorted(p.partition for p in parts)})

    c.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke, on_lost=on_revoke)
    while True:
        ready, _, _ = select.select([sys.stdin], [], [], 0)
        if ready:
            line = sys.stdin.readline()
            if line == '' or line.strip() == 'close':
                break
        m = c.poll(0.1)
        if m is None:
            continue
        if m.error():
            say({'error': str(m.error())})
            continue
        c.commit(offsets=[TopicPartition(m.topic(), m.partition(), m.offset() + 1)], asynchronous=False)
        say({'record': [m.partition(), m.offset(), m.value().decode('utf-8')]})
    c.close()
    say({'closed': True})


if __name__ == '__main__':
    main()
