#!/usr/bin/python3
"""confluent-kafka-python as a peer of the interop suite: 1.7 (Debian's python3-confluent-kafka,
on librdkafka 2.0) and PyPI's (the venv .ci/run makes). Same JSON protocol as kafka_python_peer.py:

  {"op": "produce", "bootstrap", "jobs": [{"topic", "codec", "records": [REC...]}]} -> {"produced": {...}}
  {"op": "consume", "bootstrap", "topics": {topic: expected}, "group": str|null, "timeoutMs"} -> {"records": [...]}
  {"op": "admin", "bootstrap", "prefix", "group"} -> a report of each admin call.
  {"op": "txn", "bootstrap", "topic", "txid"} -> {"readCommitted": [values]} (see txn()).

Without a group the consumer uses assign() (librdkafka still wants a group.id in its
config, but assign() never joins it and nothing is committed).
"""
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, Producer, TopicPartition

from peer import b, s, serve, step


def produce(req):
    out = {}
    for job in req['jobs']:
        p = Producer({
            'bootstrap.servers': req['bootstrap'],
            'client.id': 'confluent-kafka-interop',
            'compression.type': job['codec'],
            # one batch per partition, whatever the machine's load: small batches that compression
            # would not shrink are sent uncompressed by librdkafka, and the matrix checks the codec
            'linger.ms': 1000,
            'acks': 'all',
            'message.max.bytes': 4 * 1024 * 1024,
        })
        errors = []
        delivered = [0]

        def on_delivery(err, _msg):
            if err is not None:
                errors.append(str(err))
            else:
                delivered[0] += 1

        for r in job['records']:
            kw = {'key': b(r['key']), 'value': b(r['value']), 'on_delivery': on_delivery}
            if r['headers']:
                kw['headers'] = [(k, b(v)) for k, v in r['headers']]
            if r.get('timestamp') is not None:
                kw['timestamp'] = r['timestamp']
            if r.get('partition') is not None:
                kw['partition'] = r['partition']
            p.produce(job['topic'], **kw)
            p.poll(0)
        left = p.flush(30)
        if errors or left:
            raise RuntimeError('delivery failed: %s (%d undelivered)' % (errors[:3], left))
        out[job['topic']] = delivered[0]
    return {'produced': out}


def record(m):
    _tstype, ts = m.timestamp()
    return {
        'topic': m.topic(),
        'partition': m.partition(),
        'offset': m.offset(),
        'timestamp': ts,
        'key': s(m.key()),
        'value': s(m.value()),
        'headers': [[k, s(v)] for k, v in (m.headers() or [])],
    }


def consume(req):
    topics = req['topics']
    group = req.get('group')
    deadline = time.time() + req.get('timeoutMs', 30000) / 1000.0
    c = Consumer({
        'bootstrap.servers': req['bootstrap'],
        'client.id': 'confluent-kafka-interop',
        'group.id': group or 'confluent-interop-unused',
        'enable.auto.commit': False,
        'auto.offset.reset': 'earliest',
        'enable.partition.eof': False,
        'isolation.level': req.get('isolation', 'read_committed'),
    })
    if group:
        c.subscribe(list(topics.keys()))
    else:
        tps = []
        for t in topics:
            md = c.list_topics(t, timeout=10).topics[t]
            if md.error is not None:
                raise KafkaException(md.error)
            tps += [TopicPartition(t, p, OFFSET_BEGINNING) for p in sorted(md.partitions)]
        c.assign(tps)
    got = {t: 0 for t in topics}
    records = []
    while time.time() < deadline and any(got[t] < n for t, n in topics.items()):
        for m in c.consume(num_messages=1000, timeout=0.2):
            if m.error():
                raise KafkaException(m.error())
            records.append(record(m))
            got[m.topic()] += 1
    if group and records:
        c.commit(asynchronous=False)
    c.close()
    return {'records': records}


def txn(req):
    """Transactions: commit 3 records, abort 2, commit 1; read_committed must read the 4
    committed ones."""
    p = Producer({'bootstrap.servers': req['bootstrap'], 'client.id': 'confluent-kafka-interop',
                  'transactional.id': req['txid'], 'compression.type': 'zstd'})
    p.init_transactions(30)
    n = 0
    for count, commit in ((3, True), (2, False), (1, True)):
        p.begin_transaction()
        for _ in range(count):
            p.produce(req['topic'], key=b't', value=('t%d' % n).encode())
            n += 1
        if commit:
            p.commit_transaction(30)
        else:
            p.abort_transaction(30)
    got = consume({'bootstrap': req['bootstrap'], 'topics': {req['topic']: 4}, 'group': None, 'isolation': 'read_committed'})
    return {'readCommitted': sorted(r['value'] for r in got['records'])}


def wait_all(futures):
    out = {}
    for k, f in futures.items():
        try:
            f.result(timeout=15)
            out[str(k)] = None
        except KafkaException as e:
            out[str(k)] = e.args[0].name()
    return out


def admin(req):
    """Topics: create, describe (configs), alter config, create partitions, delete. Groups: list
    and describe (librdkafka's list_groups = ListGroups + DescribeGroups). confluent-kafka 1.7 has
    no delete-groups call (added in 1.9/2.0)."""
    from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic
    prefix = req['prefix']
    topic = prefix + '-ck-admin'
    group = req['group']
    a = AdminClient({'bootstrap.servers': req['bootstrap'], 'client.id': 'confluent-kafka-admin'})
    report = {}
    step(report, 'create', lambda: wait_all(a.create_topics([NewTopic(topic, 2, 1, config={'retention.ms': '3600000'})])))
    step(report, 'createExisting', lambda: wait_all(a.create_topics([NewTopic(topic, 2, 1)])))
    step(report, 'createBadRf', lambda: wait_all(a.create_topics([NewTopic(prefix + '-ck-badrf', 1, 3)])))
    step(report, 'createBadName', lambda: wait_all(a.create_topics([NewTopic('bad name!', 1, 1)])))
    step(report, 'validateOnly', lambda: wait_all(a.create_topics([NewTopic(prefix + '-ck-validate', 1, 1)], validate_only=True)))

    def metadata():
        md = a.list_topics(timeout=10)
        return {
            'topics': sorted(t for t in md.topics if t.startswith(prefix)),
            'partitions': sorted(md.topics[topic].partitions) if topic in md.topics else None,
            'brokers': len(md.brokers),
            'controller': md.controller_id,
        }

    step(report, 'listTopics', metadata)

    def describe_configs():
        fs = a.describe_configs([ConfigResource('topic', topic)])
        for _res, f in fs.items():
            entries = f.result(timeout=15)
            return {k: {'value': e.value, 'default': e.is_default, 'readOnly': e.is_read_only, 'source': e.source}
                    for k, e in entries.items() if k in ('retention.ms', 'cleanup.policy', 'segment.bytes', 'max.message.bytes')}

    step(report, 'describeConfigs', describe_configs)
    step(report, 'alterConfigs', lambda: wait_all(a.alter_configs([ConfigResource('topic', topic, set_config={'retention.ms': '7200000'})])))
    step(report, 'describeConfigsAfter', describe_configs)

    def describe_broker():
        fs = a.describe_configs([ConfigResource('broker', '0')])
        for _res, f in fs.items():
            entries = f.result(timeout=15)
            return {'count': len(entries), 'num.partitions': entries['num.partitions'].value if 'num.partitions' in entries else None}

    step(report, 'describeBrokerConfigs', describe_broker)
    step(report, 'createPartitions', lambda: wait_all(a.create_partitions([NewPartitions(topic, 4)])))
    step(report, 'partitionsAfter', lambda: sorted(a.list_topics(topic, timeout=10).topics[topic].partitions))

    # a group with one live member, for list_groups (ListGroups + DescribeGroups)
    def with_member():
        c = Consumer({'bootstrap.servers': req['bootstrap'], 'group.id': group, 'auto.offset.reset': 'earliest',
                      'enable.auto.commit': False, 'client.id': 'ck-member'})
        c.subscribe([topic])
        deadline = time.time() + 15
        while not c.assignment() and time.time() < deadline:
            c.poll(0.2)
        assigned = sorted(tp.partition for tp in c.assignment())
        groups = a.list_groups(timeout=10)
        mine = [g for g in groups if g.id == group]
        described = None
        if mine:
            g = mine[0]
            described = {'state': g.state, 'protocolType': g.protocol_type, 'protocol': g.protocol,
                         'members': [{'clientId': m.client_id, 'host': m.client_host} for m in g.members],
                         'error': None if g.error is None else g.error.name()}
        one = a.list_groups(group, timeout=10)
        c.close()
        return {'assigned': assigned, 'listed': sorted(g.id for g in groups if g.id.startswith(prefix)),
                'described': described, 'single': [g.id for g in one]}

    step(report, 'groups', with_member)
    step(report, 'delete', lambda: wait_all(a.delete_topics([topic])))
    step(report, 'deleteMissing', lambda: wait_all(a.delete_topics([prefix + '-ck-never-created'])))

    def listed_after():
        deadline = time.time() + 5
        names = None
        while time.time() < deadline:
            names = sorted(t for t in a.list_topics(timeout=10).topics if t.startswith(prefix))
            if topic not in names:
                break
            time.sleep(0.1)
        return names

    step(report, 'listTopicsAfter', listed_after)
    return report


if __name__ == '__main__':
    serve({'produce': produce, 'consume': consume, 'admin': admin, 'txn': txn})
