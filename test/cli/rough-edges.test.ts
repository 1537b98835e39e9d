// What a new user hit (issue 16): wrong or silent input, raw Node text, oclif internals,
// exit codes that do not follow the rules. Each case is a real kt process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forTheFile, kt, testBroker } from '../helpers.js';

const broker = await forTheFile(testBroker());
const B = broker.bootstrap;

let n = 0;
const topicName = (p: string) => `${p}-${process.pid}-${++n}`;
const oneErrorLine = (stderr: string) => {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0], /^kt: error: /);
  return lines[0];
};

test('--input json: invalid base64, hex or UTF-16 is an error naming the line, never an empty value', async () => {
  const t = topicName('b64');
  const cases = [
    ['{"value":"x","valueEncoding":"base64"}', /line 2: value is not valid base64/],
    ['{"value":"abc=","valueEncoding":"base64","key":"QQ===","keyEncoding":"base64"}', /line 2: key is not valid base64/],
    ['{"value":"zz","valueEncoding":"hex"}', /line 2: value is not valid hex/],
    ['{"value":"\\ud800"}', /line 2: value is not valid UTF-16 text/],
    ['{"value":"ok","headers":{"h":"@@"},"headersEncoding":"base64"}', /line 2: header 'h' is not valid base64/],
  ] as const;
  for (const [bad, re] of cases) {
    const p = await kt(['produce', '-b', B, '-t', t, '--input', 'json'], { stdin: `{"value":"good"}\n${bad}\n` });
    assert.equal(p.code, 1, p.stderr);
    assert.match(p.stderr, re, bad);
  }
  const c = await kt(['consume', '-b', B, '-t', t, '--from-beginning', '--exit']);
  assert.equal(c.code, 0, c.stderr);
  assert.ok(c.out.split('\n').every((l) => l === 'good' || l === ''), c.out);
  assert.doesNotMatch(c.out, /^$\n^$/m);
  // valid base64, with and without padding, still decodes
  const ok = await kt(['produce', '-b', B, '-t', t, '--input', 'json'], { stdin: '{"value":"aGk=","valueEncoding":"base64"}\n{"value":"aGk","valueEncoding":"base64"}\n' });
  assert.equal(ok.code, 0, ok.stderr);
});

test('a port out of range is a usage error in kt words (exit 2); --file of a directory is a clean message', async () => {
  for (const args of [['topics', 'list', '-b', 'localhost:99999'], ['produce', '-t', 'x', '-b', 'localhost:0']]) {
    const r = await kt(args, { stdin: 'x\n' });
    assert.equal(r.code, 2, r.stderr);
    const line = oneErrorLine(r.stderr);
    assert.match(line, /bad broker address 'localhost:\d+' in --bootstrap-server: port \d+ is not between 1 and 65535/);
    assert.doesNotMatch(line, /should be|ERR_/);
  }
  const dir = await kt(['produce', '-t', 'x', '-b', B, '--file', '/etc']);
  assert.equal(dir.code, 2, dir.stderr);
  assert.equal(oneErrorLine(dir.stderr), 'kt: error: cannot read --file /etc: it is a directory — name a file of records');
  const missing = await kt(['produce', '-t', 'x', '-b', B, '--file', '/nonexistent/records.txt']);
  assert.equal(missing.code, 2, missing.stderr);
  assert.equal(oneErrorLine(missing.stderr), 'kt: error: cannot read --file /nonexistent/records.txt: no such file', 'no "Produced 0 messages" before a usage error');
  const cfg = await kt(['topics', 'list', '-b', B, '--command-config', '/etc']);
  assert.equal(cfg.code, 2);
  assert.equal(oneErrorLine(cfg.stderr), 'kt: error: cannot read --command-config /etc: it is a directory');
});

test('--key-encoding and --value-encoding without --output json are usage errors, not ignored', async () => {
  for (const args of [['--value-encoding', 'hex'], ['--key-encoding', 'base64', '--format', '%k\n']]) {
    const r = await kt(['consume', '-b', B, '-t', topicName('enc'), '--exit', ...args]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(oneErrorLine(r.stderr), /--(key|value)-encoding applies to --output json/);
    assert.equal(r.out, '');
  }
});

test('unknown commands and flags: kt wording, exit 2, the closest command or flag suggested', async () => {
  const cases: Array<[string[], string]> = [
    [['topics', 'creat', 'x'], "kt: error: unknown command 'kt topics creat' — did you mean 'kt topics create'?"],
    [['tpoics'], "kt: error: unknown command 'kt tpoics' — did you mean 'kt topics'?"],
    [['topic', 'list'], "kt: error: unknown command 'kt topic' — did you mean 'kt topics'?"],
    [['groups', 'delte', 'g'], "kt: error: unknown command 'kt groups delte' — did you mean 'kt groups delete'?"],
    [['frobnicate'], "kt: error: unknown command 'kt frobnicate' — see kt --help"],
    [['-v'], 'kt: error: unknown flag -v — did you mean kt --version?'],
    [['consume', '-t', 'x', '--from-begining'], 'kt: error: unknown flag --from-begining — did you mean --from-beginning?'],
    [['topics', '--lsit'], 'kt: error: unknown flag --lsit — did you mean --list?'],
  ];
  for (const [args, expected] of cases) {
    const r = await kt(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(oneErrorLine(r.stderr), expected);
    assert.doesNotMatch(r.stderr, /:creat|command .* not found/);
    assert.equal(r.out, '');
  }
});

test('consuming a missing topic: one stderr line says kt created it; --no-create refuses and creates nothing', async () => {
  const t = topicName('typo');
  const refused = await kt(['consume', '-b', B, '-t', t, '--no-create', '--exit']);
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, new RegExp(`^kt: error: topic '${t}' does not exist — `, 'm'));
  assert.ok(!(await kt(['topics', 'list', '-b', B])).out.split('\n').includes(t), '--no-create created nothing');
  for (const group of [[], ['--group', `g-${t}`]]) {
    const name = `${t}-${group.length}`;
    const c = await kt(['consume', '-b', B, '-t', name, '--exit', ...group]);
    assert.equal(c.code, 0, c.stderr);
    const notes = c.stderr.split('\n').filter((l) => l.includes('did not exist'));
    assert.deepEqual(notes, [`kt: topic '${name}' did not exist; the broker created it (auto.create.topics.enable) — --no-create to refuse`]);
    // the second time it exists: no line
    const again = await kt(['consume', '-b', B, '-t', name, '--exit', ...group]);
    assert.doesNotMatch(again.stderr, /did not exist/);
  }
});

test('errors name the culprit: a bad topic name names the rules; an unknown config names it; no "Produced 0" first', async () => {
  const p = await kt(['produce', '-b', B, '-t', 'bad topic!'], { stdin: 'x\n' });
  assert.equal(p.code, 2, p.stderr);
  assert.equal(oneErrorLine(p.stderr), `kt: error: --topic: topic name 'bad topic!' is not valid: use ASCII letters, digits, '.', '_' and '-', 1 to 249 characters, not "." or ".."`);
  const c = await kt(['consume', '-b', B, '-t', 'bad topic!']);
  assert.equal(c.code, 2, c.stderr);
  assert.match(oneErrorLine(c.stderr), /--topic: topic name 'bad topic!' is not valid/);
  const cfg = await kt(['topics', 'create', topicName('cfg'), '--config', 'foo=bar', '-b', B]);
  assert.equal(cfg.code, 1, cfg.stderr);
  assert.match(oneErrorLine(cfg.stderr), /invalid topic configuration: Unknown topic config name: foo \(INVALID_CONFIG\)/);
  const val = await kt(['topics', 'create', topicName('cfg'), '--config', 'retention.ms=soon', '-b', B]);
  assert.match(oneErrorLine(val.stderr), /Invalid value soon for configuration retention\.ms/);
});

test('empty kt topics / kt groups: stdout stays empty, one line on stderr says so', async () => {
  const empty = await testBroker();
  try {
    for (const [args, line] of [
      [['topics'], 'kt: no topics (create one: kt topics create NAME)'],
      [['topics', 'list'], 'kt: no topics (create one: kt topics create NAME)'],
      [['groups'], 'kt: no consumer groups'],
      [['groups', '--list'], 'kt: no consumer groups'],
    ] as const) {
      const r = await kt([...args, '-b', empty.bootstrap]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.out, '');
      assert.equal(r.stderr, `${line}\n`, args.join(' '));
    }
  } finally {
    await empty.stop();
  }
});

test('a refused address is not sent to kt local start unless it is the local broker port', async () => {
  const { freePort, isolatedEnv } = await import('../helpers.js');
  const port = await freePort();
  const env = isolatedEnv(); // the local broker's port is 1 there
  const other = await kt(['topics', 'list', '-b', `127.0.0.1:${port}`], { env });
  assert.equal(other.code, 1);
  assert.equal(oneErrorLine(other.stderr), `kt: error: cannot connect to 127.0.0.1:${port}: connection refused — is a broker running on port ${port}? check the address`);
  const local = await kt(['topics', 'list', '-b', '127.0.0.1:1'], { env });
  assert.match(oneErrorLine(local.stderr), /try kt local start$/);
});

test('kt help COMMAND shows that command\'s help; kt help of an unknown command suggests', async () => {
  const h = await kt(['help', 'topics', 'create']);
  assert.equal(h.code, 0, h.stderr);
  const direct = await kt(['topics', 'create', '--help']);
  assert.equal(h.out, direct.out);
  const bad = await kt(['help', 'topics', 'creat']);
  assert.equal(bad.code, 2);
  assert.equal(oneErrorLine(bad.stderr), "kt: error: unknown command 'kt topics creat' — did you mean 'kt topics create'?");
});
