// Java client properties (`--command-config FILE`, `-X KEY=VALUE`, profile `properties`).
// kt reads the subset that matters for connecting (security.protocol, sasl.*, ssl.*) and a
// few client settings; src/client/security.ts maps them to kafkajs options.

import { readFileSync } from 'node:fs';
import { KtError, UsageError, registerSecret, fileProblem } from './errors.js';
import { parseJaasConfig, type Properties } from '../client/security.js';

// The parsed form and the JAAS line's reader belong to the client (security.ts, which uses
// them to connect); re-exported for the CLI.
export { parseJaasConfig, type Properties } from '../client/security.js';

/**
 * Parse a Java .properties document: `key=value`, `key: value` or `key value`, `#`/`!`
 * comments, backslash line continuations, and the usual escapes (\t \n \\ \uXXXX).
 */
export function parseProperties(text: string): Properties {
  const out: Properties = {};
  const rawLines = text.split(/\r?\n|\r/);
  const logical: string[] = [];
  let acc: string | null = null;
  for (const raw of rawLines) {
    const line: string = acc === null ? raw.replace(/^\s+/, '') : raw.replace(/^\s+/, '');
    if (acc === null && (line === '' || line.startsWith('#') || line.startsWith('!'))) continue;
    // A line ends with an odd number of backslashes → continues on the next line.
    const m = /(\\+)$/.exec(line);
    const continues = m !== null && m[1].length % 2 === 1;
    const body = continues ? line.slice(0, -1) : line;
    acc = (acc ?? '') + body;
    if (!continues) {
      logical.push(acc);
      acc = null;
    }
  }
  if (acc !== null) logical.push(acc);
  for (const line of logical) {
    let i = 0;
    let key = '';
    while (i < line.length) {
      const c = line[i];
      if (c === '\\' && i + 1 < line.length) {
        key += line[i] + line[i + 1];
        i += 2;
        continue;
      }
      if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
      key += c;
      i++;
    }
    // skip whitespace, one separator, whitespace
    while (i < line.length && /[ \t\f]/.test(line[i])) i++;
    if (i < line.length && (line[i] === '=' || line[i] === ':')) i++;
    while (i < line.length && /[ \t\f]/.test(line[i])) i++;
    out[unescapeJava(key)] = unescapeJava(line.slice(i));
  }
  return out;
}

function unescapeJava(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, g: string) => {
    if (g.length === 5) return String.fromCharCode(parseInt(g.slice(1), 16));
    switch (g) {
      case 't': return '\t';
      case 'n': return '\n';
      case 'r': return '\r';
      case 'f': return '\f';
      default: return g;
    }
  });
}

export function readPropertiesFile(path: string): Properties {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new KtError(`cannot read --command-config ${path}: ${fileProblem(err)}`, { exitCode: 2 });
  }
  const props = parseProperties(text);
  registerPropertySecrets(props);
  return props;
}

/** `KEY=VALUE` pairs from `-X` (and `--property`): split at the first `=`. */
export function parseKeyValues(pairs: readonly string[] | undefined, flagName: string): Properties {
  const out: Properties = {};
  for (const pair of pairs ?? []) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new UsageError(`${flagName} expects KEY=VALUE, got '${pair}'`);
    out[pair.slice(0, i).trim()] = pair.slice(i + 1);
  }
  return out;
}

/** Properties whose values are secrets. */
export function isSecretProperty(key: string): boolean {
  return /password|secret|jaas|token|credential/i.test(key);
}

export function registerPropertySecrets(props: Properties): void {
  for (const [k, v] of Object.entries(props)) {
    if (!isSecretProperty(k)) continue;
    if (k === 'sasl.jaas.config') {
      const jaas = parseJaasConfig(v);
      registerSecret(jaas.password);
    } else {
      registerSecret(v);
    }
  }
}
