// Layers point one way (issue 14, STYLE.md): commands → cli → client/format → protocol;
// broker → protocol. Read from the TypeScript sources of src/ (import-graph.ts parses every
// import, export-from, import() and require()), so a new upward import, a cycle or one more
// module on kafkajs fails here. Each rule is also run on a small graph that breaks it, so
// none can pass for want of finding anything.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { cycles, importGraph, importsOf, layerOf, ROOT, type ImportEdge } from './import-graph.js';

/**
 * What each layer may import (value or type), besides itself and packages. The BASE modules
 * (src/errors.ts, the error types; src/sleep.ts) import nothing and every layer may use them.
 * src/dev (build tools, never loaded by kt) is left out.
 */
const BASE = ['errors', 'sleep'];
const MAY_IMPORT: Record<string, readonly string[]> = {
  commands: ['cli', 'client', 'format', 'protocol', 'broker', 'local', ...BASE],
  cli: ['client', 'format', 'protocol', 'broker', 'local', ...BASE],
  // broker: client/topics.ts checks topic configs against broker/log/config.ts's table
  client: ['format', 'protocol', 'local', 'broker', ...BASE],
  format: ['client', 'protocol', ...BASE],
  protocol: [],
  broker: ['protocol', ...BASE],
  local: ['broker', 'protocol', ...BASE],
  errors: [],
  sleep: [],
  index: ['broker'],
};

/** Imports of one file into another that the table above does not allow. */
function forbiddenImports(edges: ImportEdge[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    if (!e.to) continue;
    const from = layerOf(e.from);
    const to = layerOf(e.to);
    if (from === to || from === 'dev') continue;
    const allowed = MAY_IMPORT[from];
    if (!allowed) out.push(`${e.from}: layer '${from}' is not in MAY_IMPORT`);
    else if (!allowed.includes(to)) out.push(`${e.from} imports ${e.spec}${e.typeOnly ? ' (type only)' : ''}: ${from} may not import ${to}`);
  }
  return out;
}

/** Cycles of value imports (type-only imports are erased and may point both ways), between files and between layers. */
function valueCycles(edges: ImportEdge[]): { files: string[][]; layers: string[][] } {
  const value = edges.filter((e) => !e.typeOnly && e.to !== null);
  const files = cycles(new Set(edges.map((e) => e.from)), value.map((e) => [e.from, e.to!]));
  const between = value.map((e) => [layerOf(e.from), layerOf(e.to!)] as [string, string]).filter(([a, b]) => a !== b);
  return { files, layers: cycles(new Set(between.flat()), between) };
}

/** Files that import kafkajs, the package or its internals (kafkajs/src/...). */
function kafkajsImporters(edges: ImportEdge[]): string[] {
  return [...new Set(edges.filter((e) => /^kafkajs(\/|$)/.test(e.spec)).map((e) => e.from))].sort();
}

/**
 * The modules that import kafkajs (issue 14: one gateway). Every other module takes kafkajs's
 * types and loaded module from client/gateway.ts.
 */
const KAFKAJS_IMPORTERS = [
  'src/client/gateway.ts', // the gateway: loads kafkajs, its Cluster and connections, one send path
  // kafkajs's modules kt replaces: they run as kafkajs's own modules (the bundle requires this
  // file from inside kafkajs, the build imports it alone), so they cannot go through the
  // gateway, which loads kafkajs and installs them; the one use is kafkajs's error class
  'src/client/kafkajsPatches.ts',
  'src/dev/bundle.ts', // the build: names the kafkajs files it replaces in the bundle
];

const graph = importGraph();
const f = (p: string) => path.join('src', ...p.split('/'));
const edge = (from: string, spec: string, to: string | null, typeOnly = false): ImportEdge => ({ from: f(from), spec, to: to && f(to), typeOnly });

test('the parser finds every form of import, and which ones are type-only', () => {
  const text = [
    "import fs from 'node:fs';",
    "import type { A } from './a.js';",
    "import { type B, type C } from './b.js';",
    "import { type D, e } from './d.js';",
    "export { F } from './f.js';",
    "export type { G } from './g.js';",
    "import './side.js';",
    "type H = typeof import('./h.js');",
    'const i = await import("./i.js");',
    "const j = require('kafkajs/src/protocol/encoder.js');",
    'preload(require, `kafkajs/src/${file}`, exports);',
    "// import { nope } from './comment.js';",
    "const s = \"import x from './string.js'\";",
  ].join('\n');
  const found = importsOf(path.join(ROOT, 'src', 'client', 'x.ts'), text).map((e) => `${e.spec}${e.typeOnly ? ' type' : ''}`);
  assert.deepEqual(found, [
    'node:fs', './a.js type', './b.js type', './d.js', './f.js', './g.js type', './side.js', './h.js type', './i.js',
    'kafkajs/src/protocol/encoder.js', 'kafkajs/src/',
  ]);
});

test('the import graph covers src/', () => {
  const files = new Set(graph.map((e) => e.from));
  for (const layer of ['commands', 'cli', 'client', 'format', 'protocol', 'broker', 'local']) {
    assert.ok([...files].some((x) => layerOf(x) === layer), `no imports read from src/${layer}`);
  }
  assert.ok(graph.filter((e) => e.to).length > 500, `only ${graph.length} imports read`);
  for (const e of graph.filter((x) => x.to && x.from.startsWith(`src${path.sep}`))) {
    assert.ok(e.to!.startsWith(`src${path.sep}`) && e.to!.endsWith('.ts'), `${e.from}: ${e.spec} resolves to no source file (${e.to})`);
  }
});

test('layers point one way: nothing in client/, format/, protocol/, broker/ or local/ imports cli/ or commands/', () => {
  assert.deepEqual(forbiddenImports(graph), []);
  // the rule bites: an upward import, even a type-only one, and a protocol/ that reaches out
  assert.deepEqual(
    forbiddenImports([
      edge('client/index.ts', '../cli/spinner.js', 'cli/spinner.ts'),
      edge('format/cluster.ts', '../cli/errors.js', 'cli/errors.ts', true),
      edge('protocol/schema.ts', '../client/kjs.js', 'client/kjs.ts'),
      edge('broker/broker.ts', '../commands/consume.js', 'commands/consume.ts'),
      edge('commands/consume.ts', '../cli/base.js', 'cli/base.ts'),
    ]).map((s) => s.split(' imports ')[0]),
    [f('client/index.ts'), f('format/cluster.ts'), f('protocol/schema.ts'), f('broker/broker.ts')],
  );
});

test('no cycle of value imports, between files or between layers (type-only imports may point back)', () => {
  assert.deepEqual(valueCycles(graph), { files: [], layers: [] });
  const found = valueCycles([
    edge('client/a.ts', './b.js', 'client/b.ts'),
    edge('client/b.ts', './c.js', 'client/c.ts'),
    edge('client/c.ts', './a.js', 'client/a.ts'),
    edge('client/perf.ts', '../format/perf.js', 'format/perf.ts'),
    edge('format/groups.ts', '../client/groups.js', 'client/groups.ts'),
    edge('cli/x.ts', '../client/y.js', 'client/y.ts'),
    edge('client/y.ts', '../cli/x.js', 'cli/x.ts', true),
  ]);
  assert.deepEqual(found.files, [[f('client/a.ts'), f('client/b.ts'), f('client/c.ts')]]);
  assert.deepEqual(found.layers, [['client', 'format']]);
});

test('the modules that import kafkajs are the listed ones (issue 14: one gateway)', () => {
  assert.deepEqual(kafkajsImporters(graph), KAFKAJS_IMPORTERS);
  assert.deepEqual(kafkajsImporters([edge('client/topics.ts', 'kafkajs/src/network/connection.js', null), edge('format/x.ts', 'kafkajs', null, true)]), [
    f('client/topics.ts'),
    f('format/x.ts'),
  ]);
});
