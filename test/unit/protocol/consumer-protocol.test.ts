// The embedded consumer protocol (JoinGroup member metadata, SyncGroup assignments): every
// version 0-3, kafkajs' own encoder/decoder, newer versions and garbage.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Reader, Writer } from '../../../src/protocol/bytes.js';
import {
  ConsumerProtocolAssignment,
  ConsumerProtocolSubscription,
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from '../../../src/protocol/apis/consumerProtocol.js';
import { codec } from '../../../src/protocol/schema.js';
import { hex, require } from './helpers.js';

const { MemberMetadata, MemberAssignment } = require('kafkajs/src/consumer/assignerProtocol.js');
const t = (s: string) => Buffer.from(s).toString('hex');

describe('ConsumerProtocolSubscription', () => {
  test('v0 from kafkajs MemberMetadata.encode', () => {
    const buf: Buffer = MemberMetadata.encode({ version: 0, topics: ['a', 'bb'], userData: Buffer.from('ud') });
    assert.deepEqual(decodeSubscription(buf), {
      version: 0,
      topics: ['a', 'bb'],
      userData: Buffer.from('ud'),
      ownedPartitions: [],
      generationId: -1,
      rackId: null,
    });
  });

  test('v1 adds ownedPartitions, v2 generationId, v3 rackId (hand-written bytes)', () => {
    const v0 = `00000001 0001 ${t('a')} ffffffff`; // topics [a], userData null
    const owned = `00000001 0001 ${t('a')} 00000002 00000000 00000003`; // [a: 0, 3]
    assert.deepEqual(decodeSubscription(hex(`0001 ${v0} ${owned}`))?.ownedPartitions, [{ topic: 'a', partitions: [0, 3] }]);
    assert.equal(decodeSubscription(hex(`0002 ${v0} ${owned} 00000007`))?.generationId, 7);
    const v3 = decodeSubscription(hex(`0003 ${v0} ${owned} 00000007 0006 ${t('rack-a')}`));
    assert.equal(v3?.rackId, 'rack-a');
    assert.equal(decodeSubscription(hex(`0003 ${v0} ${owned} 00000007 ffff`))?.rackId, null);
  });

  test('encode → decode for every version', () => {
    const s = { topics: ['x'], userData: null, ownedPartitions: [{ topic: 'x', partitions: [1] }], generationId: 4, rackId: 'r' };
    for (let v = 0; v <= 3; v++) {
      const d = decodeSubscription(encodeSubscription(s, v));
      assert.equal(d?.version, v);
      assert.deepEqual(d?.topics, ['x']);
      assert.deepEqual(d?.ownedPartitions, v >= 1 ? s.ownedPartitions : []);
      assert.equal(d?.generationId, v >= 2 ? 4 : -1);
      assert.equal(d?.rackId, v >= 3 ? 'r' : null);
    }
    const w = new Writer();
    codec(ConsumerProtocolSubscription, 0, false).encode(w, { topics: ['x'], userData: null });
    assert.equal(w.toBuffer().toString('hex'), `00000001 0001 ${t('x')} ffffffff`.replace(/ /g, ''));
  });

  test('a newer version is parsed with the v3 schema; trailing bytes are ignored', () => {
    const body = `00000001 0001 ${t('a')} ffffffff 00000000 ffffffff ffff`;
    const d = decodeSubscription(hex(`0009 ${body} deadbeef`));
    assert.equal(d?.version, 9);
    assert.deepEqual(d?.topics, ['a']);
    assert.deepEqual(decodeSubscription(hex(`0000 00000001 0001 ${t('a')} ffffffff 0102`))?.topics, ['a']);
  });

  test('garbage is null', () => {
    for (const g of [null, undefined, Buffer.alloc(0), hex('00'), hex('ffff 00000000 ffffffff'), hex('0000 00000005 0001'), hex('0000 7fffffff')]) {
      assert.equal(decodeSubscription(g), null, String(g?.toString('hex')));
    }
    assert.equal(decodeSubscription(Buffer.from('{"not":"consumer"}')), null);
  });
});

describe('ConsumerProtocolAssignment', () => {
  test('kafkajs MemberAssignment → decodeAssignment', () => {
    const buf: Buffer = MemberAssignment.encode({ version: 1, assignment: { orders: [0, 2], pay: [1] }, userData: Buffer.alloc(0) });
    assert.deepEqual(decodeAssignment(buf), {
      version: 1,
      assignedPartitions: [
        { topic: 'orders', partitions: [0, 2] },
        { topic: 'pay', partitions: [1] },
      ],
      userData: Buffer.alloc(0),
    });
  });

  test('encodeAssignment → kafkajs MemberAssignment.decode, every version', () => {
    for (let v = 0; v <= 3; v++) {
      const buf = encodeAssignment({ assignedPartitions: [{ topic: 'orders', partitions: [0, 1] }], userData: null }, v);
      assert.deepEqual(MemberAssignment.decode(buf), { version: v, assignment: { orders: [0, 1] }, userData: null });
      assert.equal(decodeAssignment(buf)?.version, v);
    }
    assert.throws(() => encodeAssignment({}, 4), RangeError);
  });

  test('schema is usable with codec(spec, version, false)', () => {
    const r = new Reader(hex(`00000000 ffffffff`));
    assert.deepEqual(codec(ConsumerProtocolAssignment, 2, false).decode(r), { assignedPartitions: [], userData: null });
  });

  test('an empty assignment blob (kafkajs sends one to members with nothing) is null', () => {
    assert.equal(decodeAssignment(Buffer.alloc(0)), null);
  });
});
