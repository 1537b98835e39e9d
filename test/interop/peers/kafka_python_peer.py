#!/usr/bin/python3
"""kafka-python as a peer of the interop suite: 2.0 (Debian's python3-kafka, /usr/bin/python3) and
PyPI's (the venv .ci/run makes).

One JSON request on argv[1] (or stdin), one JSON answer on stdout:

  {"op": "produce", "bootstrap": "h:p", "jobs": [{"topic", "codec", "records": [REC...]}]}
      REC = {"key": str|null, "value": str|null, "headers": [[k, v], ...], "timestamp": ms|null}
      -> {"produced": {topic: count}}
  {"op": "consume", "bootstrap": "h:p", "topics": {topic: expected}, "group": str|null, "timeoutMs": n}
      no group: assign() every partition from the beginning; group: subscribe() and commit.
      -> {"records": [{"topic", "partition", "offset", "timestamp", "key", "value", "headers"}]}
  {"op": "admin", "bootstrap": "h:p", "prefix": str}  -> a report of each admin call (see admin()).
  {"op": "txn", "bootstrap": "h:p", "topic": str, "txid": str}  -> {"readCommitted": [values]} (see txn()).

Codecs come from Debian's python3-snappy / python3-lz4 / python3-zstandard (kafka.codec).
"""
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka import codec as kcodec

from peer import b, s, serve, step


def codec_support():
    return {'gzip': kcodec.has_gzip(), 'snappy': kcodec.has_snappy(), 'lz4': kcodec.has_lz4(), 'zstd': kcodec.has_zstd()}


def produce(req):
    out = {}
    for job in req['jobs']:
        codec = job['codec']
        p = KafkaProducer(
            bootstrap_servers=req['bootstrap'],
            client_id='kafka-python-interop',
            compression_type=None if codec == 'none' else codec,
            linger_ms=1000,  # one batch per partition (flush() sends at once)
            acks='all',
            max_request_size=4 * 1024 * 1024,
        )
        futures = []
        for r in job['records']:
            futures.append(p.send(
                job['topic'],
                key=b(r['key']),
                value=b(r['value']),
                headers=[(k, b(v)) for k, v in r['headers']],
                timestamp_ms=r.get('timestamp'),
                partition=r.get('partition'),
            ))
        p.flush()
        for f in futures:
            f.get(timeout=30)
        p.close()
        out[job['topic']] = len(futures)
    return {'produced': out}


def record(m):
    return {
        'topic': m.topic,
        'partition': m.partition,
        'offset': m.offset,
        'timestamp': m.timestamp,
        'key': s(m.key),
        'value': s(m.value),
        'headers': [[k, s(v)] for k, v in (m.headers or [])],
    }


def consume(req):
    topics = req['topics']
    group = req.get('group')
    deadline = time.time() + req.get('timeoutMs', 30000) / 1000.0
    common = dict(
        bootstrap_servers=req['bootstrap'],
        client_id='kafka-python-interop',
        auto_offset_reset='earliest',
        max_partition_fetch_bytes=4 * 1024 * 1024,
        fetch_max_bytes=16 * 1024 * 1024,
    )
    if req.get('isolation'):
        common['isolation_level'] = req['isolation']  # kafka-python 2.1+
    if group:
        c = KafkaConsumer(*topics.keys(), group_id=group, enable_auto_commit=False, **common)
    else:
        c = KafkaConsumer(group_id=None, enable_auto_commit=False, **common)
        c.topics()  # loads metadata
        tps = []
        for t in topics:
            parts = None
            while not parts and time.time() < deadline:
                parts = c.partitions_for_topic(t)
                if not parts:
                    c.topics()
                    time.sleep(0.1)
            tps += [TopicPartition(t, p) for p in sorted(parts or [])]
        c.assign(tps)
        c.seek_to_beginning()
    got = {t: 0 for t in topics}
    records = []
    while time.time() < deadline and any(got[t] < n for t, n in topics.items()):
        for _tp, msgs in c.poll(timeout_ms=200).items():
            for m in msgs:
                records.append(record(m))
                got[m.topic] += 1
    if group:
        c.commit()
    c.close()
    return {'records': records}


def txn(req):
    """Transactions (kafka-python 2.1+): commit 3 records, abort 2, commit 1; read_committed
    must read the 4 committed ones."""
    p = KafkaProducer(bootstrap_servers=req['bootstrap'], client_id='kafka-python-interop',
                      transactional_id=req['txid'], compression_type='zstd' if kcodec.has_zstd() else None)
    p.init_transactions()
    n = 0
    for count, commit in ((3, True), (2, False), (1, True)):
        p.begin_transaction()
        for _ in range(count):
            p.send(req['topic'], key=b't', value=('t%d' % n).encode()).get(timeout=30)
            n += 1
        if commit:
            p.commit_transaction()
        else:
            p.abort_transaction()
    p.close()
    got = consume({'bootstrap': req['bootstrap'], 'topics': {req['topic']: 4}, 'group': None, 'isolation': 'read_committed'})
    return {'readCommitted': sorted(r['value'] for r in got['records'])}


def admin(req):
    """Topics: create, describe (configs), alter config, delete. Groups: list, describe, delete."""
    from kafka.admin import KafkaAdminClient, NewTopic, ConfigResource, ConfigResourceType
    prefix = req['prefix']
    topic = prefix + '-kp-admin'
    group = req['group']
    a = KafkaAdminClient(bootstrap_servers=req['bootstrap'], client_id='kafka-python-admin')
    report = {}

    def create():
        r = a.create_topics([NewTopic(topic, 3, 1, topic_configs={'retention.ms': '3600000'})], timeout_ms=10000)
        return [[t, e] for t, e, *_ in r.topic_errors]

    step(report, 'create', create)

    def create_dup():
        try:
            a.create_topics([NewTopic(topic, 3, 1)], timeout_ms=10000)
            return 'no error'
        except Exception as e:
            return type(e).__name__

    step(report, 'createExisting', create_dup)
    step(report, 'createBadRf', lambda: _create_error(a, NewTopic(prefix + '-kp-badrf', 1, 3)))
    step(report, 'createBadName', lambda: _create_error(a, NewTopic('bad name!', 1, 1)))
    step(report, 'listTopics', lambda: sorted(t for t in a.list_topics() if t.startswith(prefix)))

    def describe_topic():
        d = a.describe_topics([topic])
        return [{'topic': t['topic'], 'error': t['error_code'], 'partitions': sorted(p['partition'] for p in t['partitions'])} for t in d]

    step(report, 'describeTopics', describe_topic)

    def describe_configs():
        r = a.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
        out = {}
        for resp in r:
            for res in resp.resources:
                err, msg, rtype, rname, entries = res[0], res[1], res[2], res[3], res[4]
                out['error'] = err
                out['configs'] = {e[0]: e[1] for e in entries}
        return out

    step(report, 'describeConfigs', describe_configs)

    def alter():
        r = a.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic, configs={'retention.ms': '7200000'})])
        return [[res[0], res[3]] for res in r.resources]

    step(report, 'alterConfigs', alter)
    step(report, 'describeConfigsAfter', describe_configs)

    def broker_configs():
        r = a.describe_configs([ConfigResource(ConfigResourceType.BROKER, '0')])
        entries = {e[0]: e[1] for resp in r for res in resp.resources for e in res[4]}
        return {'count': len(entries), 'num.partitions': entries.get('num.partitions')}

    step(report, 'describeBrokerConfigs', broker_configs)

    def create_partitions():
        from kafka.admin import NewPartitions
        r = a.create_partitions({topic: NewPartitions(5)})
        return [[t, e] for t, e, *_ in r.topic_errors]

    step(report, 'createPartitions', create_partitions)
    step(report, 'partitionsAfter', lambda: sorted(p['partition'] for t in a.describe_topics([topic]) for p in t['partitions']))

    def cluster():
        d = a.describe_cluster()
        return {'brokers': len(d['brokers']), 'controller': d['controller_id']}

    step(report, 'describeCluster', cluster)

    # a group with committed offsets and no members
    def make_group():
        c = KafkaConsumer(topic, group_id=group, bootstrap_servers=req['bootstrap'], auto_offset_reset='earliest', enable_auto_commit=False)
        deadline = time.time() + 15
        while not c.assignment() and time.time() < deadline:
            c.poll(timeout_ms=200)
        assigned = sorted(tp.partition for tp in c.assignment())
        from kafka.structs import OffsetAndMetadata
        # kafka-python 2.0 has (offset, metadata); 2.1+ adds leader_epoch (-1: unknown)
        extra = (-1,) if 'leader_epoch' in OffsetAndMetadata._fields else ()
        c.commit({TopicPartition(topic, p): OffsetAndMetadata(0, '', *extra) for p in assigned})
        c.close()
        return assigned

    step(report, 'consumeInGroup', make_group)
    step(report, 'listGroups', lambda: sorted(g for g, _proto in a.list_consumer_groups() if g.startswith(prefix)))

    def describe_groups():
        return [{'group': d.group, 'state': d.state, 'protocolType': d.protocol_type, 'members': len(d.members)}
                for d in a.describe_consumer_groups([group])]

    step(report, 'describeGroups', describe_groups)

    def group_offsets():
        o = a.list_consumer_group_offsets(group)
        return sorted([tp.topic, tp.partition, om.offset] for tp, om in o.items())

    step(report, 'groupOffsets', group_offsets)
    step(report, 'deleteGroups', lambda: [[g, e.__name__ if isinstance(e, type) else str(e)] for g, e in a.delete_consumer_groups([group])])
    step(report, 'listGroupsAfter', lambda: sorted(g for g, _proto in a.list_consumer_groups() if g.startswith(prefix)))

    def delete():
        r = a.delete_topics([topic], timeout_ms=10000)
        return [[t, e] for t, e in r.topic_error_codes]

    step(report, 'delete', delete)

    def listed_after():
        deadline = time.time() + 5
        names = None
        while time.time() < deadline:
            names = sorted(t for t in a.list_topics() if t.startswith(prefix))
            if topic not in names:
                break
            time.sleep(0.1)
        return names

    step(report, 'listTopicsAfter', listed_after)
    a.close()
    return report


def _create_error(a, new_topic):
    try:
        r = a.create_topics([new_topic], timeout_ms=10000)
        return [[t, e] for t, e, *_ in r.topic_errors]
    except Exception as e:
        return type(e).__name__


if __name__ == '__main__':
    serve({'produce': produce, 'consume': consume, 'admin': admin, 'txn': txn, 'codecs': lambda _req: codec_support()})
