"""What the Python peers share: text/bytes helpers, a reported step, and the JSON driver.

A peer script reads one JSON request (argv[1] or stdin) with an "op" and prints one JSON
result; a failure prints {"error", "trace"} and exits 1. The matrix and admin tests spawn
the peers with /usr/bin/python3 (Debian's python3-kafka and python3-confluent-kafka).
"""
import json
import sys
import traceback


def b(s):
    return None if s is None else s.encode('utf-8')


def s(v):
    return None if v is None else v.decode('utf-8')


def step(report, name, fn):
    try:
        report[name] = {'ok': True, 'result': fn()}
    except Exception as e:  # reported, the test decides
        report[name] = {'ok': False, 'error': '%s: %s' % (type(e).__name__, e)}


def serve(ops):
    req = json.loads(sys.argv[1] if len(sys.argv) > 1 else sys.stdin.read())
    op = req['op']
    try:
        if op not in ops:
            raise ValueError('unknown op ' + op)
        res = ops[op](req)
    except Exception as e:
        json.dump({'error': '%s: %s' % (type(e).__name__, e), 'trace': traceback.format_exc()}, sys.stdout)
        sys.exit(1)
    json.dump(res, sys.stdout)
