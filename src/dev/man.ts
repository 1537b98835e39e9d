// Man pages from the oclif command definitions: man/kt.1, one man/kt-<command>.1 per command
// (`kt topics create` → kt-topics-create.1) and one per topic without its own command
// (kt-local.1, kt-perf.1). Summary, description, usage, flags with their help, arguments,
// examples, exit status, environment and see-also all come from the commands' static fields,
// so the pages cannot say something --help does not.
//
//   node dist/src/dev/man.js            rewrite man/ (removes pages of commands that are gone)
//   node dist/src/dev/man.js --check    exit 1 when man/ differs from the commands
//
// test/docs/man.test.ts regenerates the pages in memory and fails when they drift.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Config } from '@oclif/core';
import { exampleLines, freshConfig, PACKAGE_ROOT, renderTemplate, visibleCommands, type CachedCommand } from './commands.js';

type CachedFlag = CachedCommand['flags'][string];

// ---------------------------------------------------------------------------------------
// roff

/**
 * Text for a roff line: escapes, ASCII hyphens and quotes (copy-pasteable flags), non-ASCII
 * characters as \[uXXXX] (groff without preconv and mandoc both read them), break points
 * after the commas of long words (JSON shapes), no control character at the start of a line.
 */
export function roff(text: string): string {
  const escaped = text
    .replace(/\S{40,}/g, (word) => word.replace(/([,:])(?=\S)/g, '$1\u0000'))
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/'/g, '\\(aq')
    .replace(/`/g, '\\(ga')
    .replace(/\u0000/g, '\\:')
    .replace(/[^\x00-\x7f]/gu, (c) => `\\[u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`);
  return escaped.split('\n').map((l) => (l.startsWith('.') ? `\\&${l}` : l)).join('\n');
}

const bold = (s: string): string => `\\fB${roff(s)}\\fR`;
const italic = (s: string): string => `\\fI${roff(s)}\\fR`;

/** Paragraphs (blank-line separated) as .PP blocks; single newlines become .br. */
function paragraphs(text: string): string[] {
  const out: string[] = [];
  for (const para of text.trim().split(/\n\s*\n/)) {
    if (!para.trim()) continue;
    out.push('.PP');
    const lines = para.split('\n').map((l) => l.trim()).filter(Boolean);
    lines.forEach((l, i) => {
      if (i > 0) out.push('.br');
      out.push(roff(l));
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// the pieces of a page

const pageName = (id: string): string => `kt-${id.replace(/:/g, '-')}`;
const spaced = (id: string): string => id.replace(/:/g, ' ');
const noPeriod = (s: string): string => s.trim().replace(/\.$/, '');

function flagValueName(f: CachedFlag): string {
  if (f.type === 'boolean') return '';
  if ('helpValue' in f && f.helpValue) return Array.isArray(f.helpValue) ? f.helpValue.join('|') : String(f.helpValue);
  if ('options' in f && f.options?.length) return f.options.join('|');
  return f.name.toUpperCase().replace(/-/g, '_');
}

function flagTerm(f: CachedFlag): string {
  const value = flagValueName(f);
  const long = f.type === 'boolean' && f.allowNo ? `--[no-]${f.name}` : `--${f.name}`;
  const names = [f.char ? bold(`-${f.char}`) : '', bold(long)].filter(Boolean).join(', ');
  return value ? `${names} ${italic(value)}` : names;
}

function flagBody(f: CachedFlag): string[] {
  const lines: string[] = [];
  const text = [f.summary, f.description].filter(Boolean).join('\n\n');
  const parts = text ? text.split(/\n\s*\n/).map((p) => roff(p.replace(/\s*\n\s*/g, ' ').trim())) : [];
  const facts: string[] = [];
  if (f.type !== 'boolean') {
    if (f.options?.length) facts.push(`One of: ${f.options.join(', ')}.`);
    if (f.default !== undefined && f.default !== null && !(Array.isArray(f.default) && f.default.length === 0)) facts.push(`Default: ${Array.isArray(f.default) ? f.default.join(',') : String(f.default)}.`);
    if (f.multiple && !/repeatable/i.test(`${f.summary ?? ''} ${f.description ?? ''}`)) facts.push('Repeatable.');
  }
  if (f.aliases?.length) facts.push(`Also: ${f.aliases.map((a) => `--${a}`).join(', ')}.`);
  if (f.env) facts.push(`Environment: ${f.env}.`);
  if (f.exclusive?.length) facts.push(`Cannot be used with ${f.exclusive.map((e) => `--${e}`).join(', ')}.`);
  if (f.required) facts.push('Required.');
  if (facts.length) parts.push(roff(facts.join(' ')));
  parts.forEach((p, i) => {
    if (i > 0) lines.push('.br');
    lines.push(p);
  });
  return lines;
}

const GROUPS: Array<[string | undefined, string]> = [
  [undefined, 'OPTIONS'],
  ['CONNECTION', 'CONNECTION OPTIONS'],
  ['GLOBAL', 'GLOBAL OPTIONS'],
];

function flagSections(cmd: CachedCommand): string[] {
  const flags = Object.values(cmd.flags).filter((f) => !f.hidden);
  const out: string[] = [];
  const known = new Set(GROUPS.map(([g]) => g));
  const groups: Array<[string | undefined, string]> = [...GROUPS];
  for (const f of flags) {
    if (!known.has(f.helpGroup)) {
      known.add(f.helpGroup);
      groups.push([f.helpGroup, `${(f.helpGroup ?? '').toUpperCase()} OPTIONS`]);
    }
  }
  for (const [group, title] of groups) {
    const inGroup = flags.filter((f) => f.helpGroup === group).sort((a, b) => a.name.localeCompare(b.name));
    if (!inGroup.length) continue;
    out.push(`.SH ${title}`);
    for (const f of inGroup) out.push('.TP', flagTerm(f), ...flagBody(f));
  }
  return out;
}

function argUsage(cmd: CachedCommand): string[] {
  const args = Object.values(cmd.args ?? {}).filter((a) => !a.hidden);
  const parts = args.map((a, i) => {
    const name = a.name.toUpperCase();
    const variadic = cmd.strict === false && i === args.length - 1 ? '...' : '';
    return a.required ? `${name}${variadic}` : `[${name}${variadic}]`;
  });
  if (!args.length && cmd.strict === false) parts.push('[ARG...]');
  return parts;
}

function synopsis(cmd: CachedCommand, bin: string): string[] {
  const usage = (Array.isArray(cmd.usage) ? cmd.usage : cmd.usage ? [cmd.usage] : []) as string[];
  if (usage.length) {
    // as oclif's help: a usage line without the bin name gets it in front
    return usage.flatMap((u, i) => {
      const line = renderTemplate(u, bin, cmd.id).trim();
      return [...(i ? ['.br'] : []), roff(line.startsWith(`${bin} `) ? line : `${bin} ${line}`)];
    });
  }
  const required = Object.values(cmd.flags).filter((f) => f.required && !f.hidden).map((f) => `--${f.name} ${flagValueName(f)}`.trim());
  return [`${bold(`${bin} ${spaced(cmd.id)}`)} ${roff([...required, '[OPTIONS]', ...argUsage(cmd)].join(' '))}`];
}

function argumentSection(cmd: CachedCommand): string[] {
  const args = Object.values(cmd.args ?? {}).filter((a) => !a.hidden);
  if (!args.length) return [];
  const out = ['.SH ARGUMENTS'];
  for (const a of args) {
    out.push('.TP', italic(a.name.toUpperCase()));
    const facts = [a.description ?? '', a.options?.length ? `One of: ${a.options.join(', ')}.` : '', a.required ? '' : 'Optional.'].filter(Boolean);
    out.push(roff(facts.join(' ')));
  }
  return out;
}

function exampleSection(cmd: CachedCommand, bin: string): string[] {
  const examples = exampleLines(cmd, bin);
  if (!examples.length) return [];
  const out = ['.SH EXAMPLES', '.RS 4', '.nf'];
  examples.forEach((e, i) => {
    if (i > 0) out.push('');
    if (e.description) out.push(roff(`# ${e.description}`));
    out.push(roff(`$ ${e.command}`));
  });
  out.push('.fi', '.RE');
  return out;
}

const EXIT_CODES: Array<[string, string]> = [
  ['0', 'Success.'],
  ['1', 'Kafka or the broker reported an error, or the broker is unreachable.'],
  ['2', 'Usage error: unknown flag, bad value, or missing input without a terminal.'],
  ['130', 'Interrupted (Ctrl-C) after a clean shutdown.'],
];

/** Exit codes a command adds to the common ones. */
const EXTRA_EXIT: Record<string, Array<[string, string]>> = {
  consume: [['3', '--timeout-ms ended consumption before --max-messages records were read.']],
  'local:status': [['1', 'The local broker is not running (also used for errors).']],
  'cluster:check': [['1', 'The cluster cannot be reached or a --topic does not exist; the reason is on stderr.']],
};

function exitSection(id?: string): string[] {
  const extra = id ? EXTRA_EXIT[id] ?? [] : [['3', 'kt consume: --timeout-ms ended consumption before --max-messages records were read.'] as [string, string]];
  const codes = [...EXIT_CODES.filter(([c]) => !extra.some(([e]) => e === c)), ...extra].sort((a, b) => Number(a[0]) - Number(b[0]));
  return ['.SH EXIT STATUS', ...codes.flatMap(([c, t]) => ['.TP', bold(c), roff(t)])];
}

const CONNECTION_ENV: Array<[string, string]> = [
  ['KT_PROFILE', 'Profile to connect with (after --bootstrap-server, --local and --profile).'],
  ['KT_BOOTSTRAP_SERVERS', 'Brokers to connect to when no flag or profile says otherwise.'],
  ['KT_LOCAL_PORT', 'Port of the bundled local broker (default 9092, or the port kt local start chose).'],
];
const COMMON_ENV: Array<[string, string]> = [
  ['KT_CONFIG_DIR', 'Directory of config.json (profiles). Default: $XDG_CONFIG_HOME/kt, else ~/.config/kt.'],
  ['KT_DATA_DIR', 'Data directory of the bundled broker. Default: $XDG_DATA_HOME/kt, else ~/.local/share/kt.'],
  ['NO_COLOR', 'Turns colour off. FORCE_COLOR turns it on (also without a terminal).'],
  ['CI', 'When set (not 0 or false), kt never prompts, as with --yes.'],
];

function environmentSection(connects: boolean): string[] {
  const vars = connects ? [...CONNECTION_ENV, ...COMMON_ENV] : COMMON_ENV;
  return ['.SH ENVIRONMENT', ...vars.flatMap(([k, t]) => ['.TP', bold(k), roff(t)])];
}

/** Pages worth a look from a command's page besides its family. */
const RELATED: Record<string, string[]> = {
  consume: ['produce', 'groups', 'offsets'],
  produce: ['consume', 'topics'],
  offsets: ['consume', 'groups:reset-offsets'],
  'delete-records': ['offsets'],
  completion: ['profile'],
};

function seeAlso(pages: string[]): string[] {
  const unique = [...new Set(pages)];
  return ['.SH SEE ALSO', unique.map((p, i) => `${bold(p)}(1)${i < unique.length - 1 ? ',' : ''}`).join('\n')];
}

function header(name: string, version: string): string[] {
  return [
    `.\\" Generated by src/dev/man.ts from the kt command definitions; do not edit.`,
    `.TH "${name.toUpperCase()}" "1" "" "kt ${version}" "kt Manual"`,
    '.nh',
    '.ad l',
  ];
}

// ---------------------------------------------------------------------------------------
// pages

interface Topic {
  name: string;
  description?: string;
}

function topicOf(id: string): string | undefined {
  const i = id.lastIndexOf(':');
  return i > 0 ? id.slice(0, i) : undefined;
}

function commandPage(config: Config, cmd: CachedCommand, all: CachedCommand[], topics: Topic[]): string {
  const bin = config.bin;
  const name = pageName(cmd.id);
  const summary = cmd.summary ?? cmd.description?.split('\n')[0] ?? '';
  const description = cmd.summary ? cmd.description : cmd.description?.split('\n').slice(1).join('\n');
  const lines = [...header(name, config.version), '.SH NAME', `${roff(name)} \\- ${roff(noPeriod(summary))}`, '.SH SYNOPSIS', ...synopsis(cmd, bin)];
  lines.push('.SH DESCRIPTION', ...paragraphs(summary));
  if (description) lines.push(...paragraphs(renderTemplate(description, bin, cmd.id)));
  const aliases = [...(cmd.aliases ?? [])].filter((a) => !(cmd.hiddenAliases ?? []).includes(a));
  if (aliases.length) lines.push('.PP', roff(`Also available as: ${aliases.map((a) => `${bin} ${spaced(a)}`).join(', ')}.`));
  const children = all.filter((c) => topicOf(c.id) === cmd.id);
  if (children.length) {
    lines.push('.SH COMMANDS');
    for (const c of children) lines.push('.TP', bold(`${bin} ${spaced(c.id)}`), roff(c.summary ?? ''), `See ${bold(pageName(c.id))}(1).`);
  }
  lines.push(...argumentSection(cmd), ...flagSections(cmd), ...exampleSection(cmd, bin), ...exitSection(cmd.id));
  lines.push(...environmentSection('bootstrap-server' in cmd.flags));
  const parent = topicOf(cmd.id);
  const siblings = all.filter((c) => c.id !== cmd.id && parent !== undefined && topicOf(c.id) === parent).map((c) => pageName(c.id));
  const parentPage = parent && (all.some((c) => c.id === parent) || topics.some((t) => t.name === parent)) ? [pageName(parent)] : [];
  const related = (RELATED[cmd.id] ?? []).filter((id) => all.some((c) => c.id === id)).map(pageName);
  lines.push(...seeAlso(['kt', ...parentPage, ...children.map((c) => pageName(c.id)), ...siblings, ...related]));
  return `${lines.join('\n')}\n`;
}

function topicPage(config: Config, topic: Topic, all: CachedCommand[]): string {
  const bin = config.bin;
  const name = pageName(topic.name);
  const children = all.filter((c) => topicOf(c.id) === topic.name);
  const lines = [...header(name, config.version), '.SH NAME', `${roff(name)} \\- ${roff(noPeriod(topic.description ?? `${bin} ${spaced(topic.name)} commands`))}`];
  lines.push('.SH SYNOPSIS', `${bold(`${bin} ${spaced(topic.name)}`)} ${italic('COMMAND')} ${roff('[OPTIONS]')}`);
  lines.push('.SH DESCRIPTION', ...paragraphs(topic.description ?? ''));
  lines.push('.SH COMMANDS');
  for (const c of children) lines.push('.TP', bold(`${bin} ${spaced(c.id)}`), roff(c.summary ?? ''), `See ${bold(pageName(c.id))}(1).`);
  const examples = children.flatMap((c) => exampleLines(c, bin).slice(0, 1));
  if (examples.length) lines.push('.SH EXAMPLES', '.RS 4', '.nf', ...examples.flatMap((e, i) => [...(i ? [''] : []), roff(`$ ${e.command}`)]), '.fi', '.RE');
  lines.push(...seeAlso(['kt', ...children.map((c) => pageName(c.id))]));
  return `${lines.join('\n')}\n`;
}

function mainPage(config: Config, all: CachedCommand[], topicPages: Topic[]): string {
  const bin = config.bin;
  const description = String((config.pjson as { description?: string }).description ?? 'Kafka console toolkit');
  const lines = [...header(bin, config.version), '.SH NAME', `${roff(bin)} \\- ${roff(noPeriod(description))}`];
  lines.push('.SH SYNOPSIS', `${bold(bin)} ${italic('COMMAND')} ${roff('[OPTIONS] [ARGS]')}`, '.br', `${bold(bin)} ${roff('--help | --version')}`);
  lines.push('.SH DESCRIPTION', ...paragraphs(
    `${bin} re-creates Apache Kafka's console tools (kafka-console-producer, kafka-console-consumer, kafka-topics, ` +
    'kafka-consumer-groups and the smaller tools) as one command, talks to any Kafka cluster, and ships its own ' +
    'Kafka-compatible broker, so it works with no setup: with nothing configured, commands use the bundled local ' +
    'broker and start it when needed.\n\n' +
    'Data goes to stdout, diagnostics and progress to stderr. Every admin command takes --json and then prints ' +
    'one JSON document. Prompts (topic and group pickers, confirmations) appear only when stdin and stdout are ' +
    'terminals and neither --yes nor CI is set. Each command has its own page, e.g. man kt-consume; ' +
    `${bin} COMMAND --help prints the same help.`,
  ));
  lines.push('.SH COMMANDS');
  for (const c of all) lines.push('.TP', bold(`${bin} ${spaced(c.id)}`), roff(c.summary ?? ''));
  lines.push('.SH WHERE KT CONNECTS', ...paragraphs('The first of these that applies wins:'));
  const order = [
    '--bootstrap-server/-b HOST:PORT[,HOST:PORT...] (aliases --broker-list, --brokers).',
    '--local: the bundled local broker.',
    '--profile NAME, then $KT_PROFILE.',
    '$KT_BOOTSTRAP_SERVERS.',
    'The current profile in the config file (kt profile use).',
    'Nothing configured: the bundled local broker, started when needed.',
  ];
  order.forEach((o, i) => lines.push(`.IP ${i + 1}. 4`, roff(o)));
  lines.push(...paragraphs(
    'Security for real clusters: --command-config FILE reads Java client properties (security.protocol, ' +
    'sasl.mechanism, sasl.jaas.config, ssl.*), -X KEY=VALUE sets the same inline, and profiles store them. ' +
    'Secrets never appear in output or error messages.',
  ));
  lines.push('.SH FILES',
    '.TP', italic('$KT_CONFIG_DIR/config.json'),
    roff('Profiles: {"current": NAME, "profiles": {NAME: {"bootstrap": "HOST:PORT", "properties": {...}}}}. Written with mode 0600 (it holds secrets) in a directory created with mode 0700.'),
    '.TP', italic('$KT_DATA_DIR/'),
    roff('The bundled broker: local.json (pid, address, remembered port), local.log, and broker/ (topics, segments, committed offsets).'));
  lines.push(...exitSection(), ...environmentSection(true));
  lines.push('.SH EXAMPLES', '.RS 4', '.nf', ...[
    `${bin} produce --topic myTestTopic`,
    `${bin} consume --topic myTestTopic --from-beginning`,
    `${bin} topics create orders --partitions 3`,
    `${bin} groups describe billing`,
    `eval "$(${bin} completion bash)"`,
  ].flatMap((e, i) => [...(i ? [''] : []), roff(`$ ${e}`)]), '.fi', '.RE');
  const pages = [...all.map((c) => pageName(c.id)), ...topicPages.map((t) => pageName(t.name))].sort();
  lines.push(...seeAlso(pages));
  return `${lines.join('\n')}\n`;
}

/** Every page, by file name. */
export function renderManPages(config: Config): Map<string, string> {
  const all = visibleCommands(config);
  const ids = new Set(all.map((c) => c.id));
  // topics that have subcommands but no command of their own get a page listing them
  const topicNames = [...new Set(all.map((c) => topicOf(c.id)).filter((t): t is string => Boolean(t)))].filter((t) => !ids.has(t)).sort();
  const topics: Topic[] = topicNames.map((name) => ({ name, description: config.topics.find((t) => t.name === name)?.description }));
  const pages = new Map<string, string>();
  pages.set(`${config.bin}.1`, mainPage(config, all, topics));
  for (const cmd of all) pages.set(`${pageName(cmd.id)}.1`, commandPage(config, cmd, all, topics));
  for (const t of topics) pages.set(`${pageName(t.name)}.1`, topicPage(config, t, all));
  return new Map([...pages.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

export const MAN_DIR = path.join(PACKAGE_ROOT, 'man');

/** Differences between the pages and man/: changed, missing and stale file names. */
export function diffManDir(pages: Map<string, string>, dir = MAN_DIR): { changed: string[]; missing: string[]; stale: string[] } {
  const onDisk = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.1$/.test(f)) : [];
  const changed: string[] = [];
  const missing: string[] = [];
  for (const [file, text] of pages) {
    if (!onDisk.includes(file)) missing.push(file);
    else if (fs.readFileSync(path.join(dir, file), 'utf8') !== text) changed.push(file);
  }
  const stale = onDisk.filter((f) => !pages.has(f));
  return { changed, missing, stale };
}

async function main(argv: string[]): Promise<void> {
  const pages = renderManPages(await freshConfig());
  const diff = diffManDir(pages);
  if (argv.includes('--check')) {
    const bad = [...diff.changed, ...diff.missing, ...diff.stale];
    if (bad.length) {
      process.stderr.write(`man pages out of date: ${bad.join(', ')}; run node dist/src/dev/man.js\n`);
      process.exit(1);
    }
    return;
  }
  fs.mkdirSync(MAN_DIR, { recursive: true });
  for (const [file, text] of pages) fs.writeFileSync(path.join(MAN_DIR, file), text);
  for (const f of diff.stale) fs.rmSync(path.join(MAN_DIR, f));
  process.stderr.write(`wrote ${pages.size} pages to man/ (${diff.changed.length} changed, ${diff.missing.length} new, ${diff.stale.length} removed)\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`man: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
