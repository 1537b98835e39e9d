// The import graph of src/, read from the TypeScript sources (not dist/, where type-only
// imports are already gone): every import/export-from, import() and require() specifier,
// each marked type-only or not. Used by layers.test.ts; `node dist/test/unit/import-graph.js`
// prints the graph's findings for a quick look.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface ImportEdge {
  /** importing file, relative to the repository root (src/client/admin.ts) */
  from: string;
  /** the specifier as written ('../cli/errors.js', 'kafkajs', 'node:fs') */
  spec: string;
  /** the imported file relative to the root when the specifier is relative, else null */
  to: string | null;
  /** erased at compile time: `import type`, `export type`, all-`type` named imports, `typeof import()` */
  typeOnly: boolean;
}

export function sourceFiles(dir = path.join(ROOT, 'src')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The text of a string literal or of a template's head (`kafkajs/src/${file}` → 'kafkajs/src/'). */
function literalText(n: ts.Node | undefined): string | null {
  if (!n) return null;
  if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) return n.text;
  if (ts.isTemplateExpression(n)) return n.head.text;
  return null;
}

function resolveRelative(fromFile: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const abs = path.resolve(path.dirname(fromFile), spec.replace(/\.js$/, '.ts'));
  for (const p of [abs, `${abs}.ts`, path.join(abs, 'index.ts')]) {
    if (fs.existsSync(p) && fs.statSync(p).isFile()) return path.relative(ROOT, p);
  }
  return path.relative(ROOT, abs);
}

/** Every import of one file. */
export function importsOf(file: string, text = fs.readFileSync(file, 'utf8')): ImportEdge[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const from = path.relative(ROOT, file);
  const out: ImportEdge[] = [];
  const add = (spec: string, typeOnly: boolean) => out.push({ from, spec, to: resolveRelative(file, spec), typeOnly });
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n)) {
      const spec = literalText(n.moduleSpecifier);
      const c = n.importClause;
      // `import { type A, type B } from` is erased too; `import {} from` and `import 'x'` are not.
      const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : undefined;
      const allTypes = !!c && !c.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly);
      if (spec !== null) add(spec, !!c?.isTypeOnly || allTypes);
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier) {
      const spec = literalText(n.moduleSpecifier);
      const named = n.exportClause && ts.isNamedExports(n.exportClause) ? n.exportClause.elements : undefined;
      const allTypes = !!named && named.length > 0 && named.every((e) => e.isTypeOnly);
      if (spec !== null) add(spec, n.isTypeOnly || allTypes);
    } else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference)) {
      const spec = literalText(n.moduleReference.expression);
      if (spec !== null) add(spec, n.isTypeOnly);
    } else if (ts.isImportTypeNode(n)) {
      const arg = n.argument;
      const spec = ts.isLiteralTypeNode(arg) ? literalText(arg.literal) : null;
      if (spec !== null) add(spec, true);
    } else if (ts.isCallExpression(n)) {
      const callee = n.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      // require('x'), someRequire('x'), require.resolve('x')
      const isRequire =
        (ts.isIdentifier(callee) && /require$/i.test(callee.text)) ||
        (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && /require$/i.test(callee.expression.text) && callee.name.text === 'resolve');
      const spec = literalText(n.arguments[0]);
      if ((isImport || isRequire) && spec !== null) add(spec, false);
      else {
        // a kafkajs file named as any call's argument (kt's require-cache preload names them this way)
        for (const a of n.arguments) {
          const t = literalText(a);
          if (t !== null && t.startsWith('kafkajs/src/')) add(t, false);
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

export function importGraph(files = sourceFiles()): ImportEdge[] {
  return files.flatMap((f) => importsOf(f));
}

/** The layer of a file: its first directory under src/ (src/index.ts is 'index'). */
export function layerOf(file: string): string {
  const parts = file.split(path.sep);
  return parts[0] === 'src' && parts.length > 2 ? parts[1] : parts[0] === 'src' ? parts[1].replace(/\.ts$/, '') : parts[0];
}

/** Strongly connected components with more than one member (Tarjan), over `edges`. */
export function cycles(nodes: Iterable<string>, edges: Array<[string, string]>): string[][] {
  const next = new Map<string, string[]>();
  for (const n of nodes) next.set(n, []);
  for (const [a, b] of edges) {
    if (!next.has(a)) next.set(a, []);
    if (!next.has(b)) next.set(b, []);
    next.get(a)!.push(b);
  }
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v)!) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || next.get(v)!.includes(v)) out.push(scc.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) strong(v);
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const g = importGraph();
  const value = g.filter((e) => !e.typeOnly && e.to);
  console.log('file cycles (value imports):');
  for (const c of cycles(new Set(g.map((e) => e.from)), value.map((e) => [e.from, e.to!]))) console.log(' ', c.join(' '));
  console.log('layer cycles (value imports):');
  const le = value.map((e) => [layerOf(e.from), layerOf(e.to!)] as [string, string]).filter(([a, b]) => a !== b);
  for (const c of cycles(new Set(le.flat()), le)) console.log(' ', c.join(' '));
  console.log('layer edges:');
  const counts = new Map<string, number>();
  for (const e of g.filter((x) => x.to)) {
    const k = `${layerOf(e.from)} -> ${layerOf(e.to!)}${e.typeOnly ? ' (type)' : ''}`;
    if (layerOf(e.from) !== layerOf(e.to!)) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  for (const [k, n] of [...counts].sort()) console.log(`  ${k}: ${n}`);
  console.log('kafkajs:', [...new Set(g.filter((e) => /^kafkajs(\/|$)/.test(e.spec)).map((e) => e.from))].sort().join(' '));
}
