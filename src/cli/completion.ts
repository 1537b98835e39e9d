// Shell completion for bash and zsh, generated from the command definitions (oclif's
// manifest when there is one): commands, subcommands, flags, flag values (options, files),
// and topic, group and profile names. Names come from a hidden fast path of the CLI,
// `kt completion --complete topics|groups|profiles -- WORDS...`, which reads the connection
// flags among WORDS, never starts the local broker and gives up silently after
// COMPLETE_DEADLINE_MS.

import type { Command } from '@oclif/core';

export type ValueKind = 'topics' | 'groups' | 'profiles' | 'files' | 'dirs' | 'value';

export interface CompletionFlag {
  names: string[]; // --topic, -t, --broker-list ...
  summary: string;
  /** undefined: boolean flag */
  value?: { kind: ValueKind; options?: string[] };
}

export interface CompletionCommand {
  id: string; // 'topics create'
  summary: string;
  /** a primary command (aliases are recognised but not offered) */
  primary: boolean;
  flags: CompletionFlag[];
  /** what positional arguments complete to */
  args?: ValueKind | { options: string[] };
}

export interface CompletionModel {
  bin: string;
  commands: CompletionCommand[];
  /** topic (command group) descriptions for ids without a command of their own: 'local', 'perf' */
  topics: Array<{ id: string; summary: string }>;
}

/** What positional arguments complete to, by command id (others: nothing). */
export const ARG_KINDS: Record<string, ValueKind> = {
  'topics:alter': 'topics',
  'topics:delete': 'topics',
  'topics:describe': 'topics',
  offsets: 'topics',
  'delete-records': 'topics',
  'groups:delete': 'groups',
  'groups:delete-offsets': 'groups',
  'groups:describe': 'groups',
  'groups:reset-offsets': 'groups',
  'profile:remove': 'profiles',
  'profile:show': 'profiles',
  'profile:use': 'profiles',
};

/** Positional arguments with fixed choices the definitions do not list (checked in run()). */
export const ARG_OPTIONS: Record<string, string[]> = {
  completion: ['bash', 'zsh'],
};

/** Commands whose positional arguments are new names or free text (nothing to complete). */
export const FREE_ARGS = new Set(['topics:create', 'profile:add']);

type AnyFlag = Command.Cached['flags'][string];

function flagKind(f: AnyFlag): ValueKind {
  const hv = 'helpValue' in f && f.helpValue ? String(f.helpValue) : '';
  if (f.name === 'topic') return 'topics';
  if (f.name === 'group') return 'groups';
  if (f.name === 'profile') return 'profiles';
  if (f.name === 'data-dir') return 'dirs';
  if (/^(FILE|PATH)$/.test(hv) || /(^|-)file$|\.config$|^command-config$/.test(f.name)) return 'files';
  return 'value';
}

export function completionModel(config: { bin: string; commands: Command.Loadable[]; topics: Array<{ name: string; description?: string; hidden?: boolean }> }): CompletionModel {
  const visible = config.commands.filter((c) => !c.hidden);
  const commands: CompletionCommand[] = visible.map((c) => {
    const isAlias = (c.aliases ?? []).map((a) => a.replace(/ /g, ':')).includes(c.id);
    const flags: CompletionFlag[] = Object.values(c.flags ?? {})
      .filter((f) => !f.hidden)
      .map((f) => {
        const names = [`--${f.name}`];
        if (f.type === 'boolean' && f.allowNo) names.push(`--no-${f.name}`);
        if (f.char) names.push(`-${f.char}`);
        for (const a of f.aliases ?? []) names.push(a.length === 1 ? `-${a}` : `--${a}`);
        const options = f.type === 'option' && f.options?.length ? [...f.options] : undefined;
        return {
          names,
          summary: (f.summary ?? f.description ?? '').split('\n')[0],
          value: f.type === 'boolean' ? undefined : { kind: options ? 'value' : flagKind(f), options },
        };
      });
    // the primary command of an alias entry keeps its own id for the arg table
    const primaryId = isAlias ? visible.find((p) => p !== c && (p.aliases ?? []).map((a) => a.replace(/ /g, ':')).includes(c.id))?.id ?? c.id : c.id;
    const argOptions = Object.values(c.args ?? {}).find((a) => a.options?.length)?.options;
    const fixed = ARG_OPTIONS[primaryId] ?? argOptions;
    const args: CompletionCommand['args'] = ARG_KINDS[primaryId] ?? (fixed ? { options: [...fixed] } : undefined);
    return { id: c.id.replace(/:/g, ' '), summary: c.summary ?? (c.description ?? '').split('\n')[0], primary: !isAlias, flags, args };
  });
  const ids = new Set(commands.map((c) => c.id));
  const topicIds = new Set<string>();
  for (const c of commands) {
    const parts = c.id.split(' ');
    for (let i = 1; i < parts.length; i++) topicIds.add(parts.slice(0, i).join(' '));
  }
  const topics = [...topicIds].filter((t) => !ids.has(t)).sort().map((id) => ({
    id,
    summary: config.topics.find((t) => t.name === id.replace(/ /g, ':'))?.description ?? '',
  }));
  commands.sort((a, b) => a.id.localeCompare(b.id));
  return { bin: config.bin, commands, topics };
}

// ---------------------------------------------------------------------------------------
// shared pieces of both scripts

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Direct children of a command path ('' = top level): [name, summary]. */
function children(m: CompletionModel, parent: string): Array<[string, string]> {
  const depth = parent ? parent.split(' ').length : 0;
  const out = new Map<string, string>();
  for (const t of m.topics) {
    const parts = t.id.split(' ');
    if (parts.length === depth + 1 && parts.slice(0, depth).join(' ') === parent) out.set(parts[depth], t.summary);
  }
  for (const c of m.commands) {
    if (!c.primary) continue;
    const parts = c.id.split(' ');
    if (parts.length === depth + 1 && parts.slice(0, depth).join(' ') === parent) out.set(parts[depth], c.summary);
  }
  return [...out.entries()].sort(([a], [b]) => a.localeCompare(b));
}

function parents(m: CompletionModel): string[] {
  const set = new Set<string>(['']);
  for (const c of m.commands) {
    const parts = c.id.split(' ');
    for (let i = 1; i < parts.length; i++) set.add(parts.slice(0, i).join(' '));
  }
  return [...set].filter((p) => children(m, p).length > 0).sort();
}

/** `case` arms: for each command, the kind of each flag that takes a value. */
function valueKindArms(m: CompletionModel, indent: string): string[] {
  const out: string[] = [];
  for (const c of m.commands) {
    const byKind = new Map<string, string[]>();
    for (const f of c.flags) {
      if (!f.value) continue;
      const kind = f.value.options ? `opt:${f.value.options.join(' ')}` : f.value.kind;
      byKind.set(kind, [...(byKind.get(kind) ?? []), ...f.names]);
    }
    if (!byKind.size) continue;
    out.push(`${indent}${q(c.id)})`, `${indent}  case "$2" in`);
    for (const [kind, names] of byKind) out.push(`${indent}    ${names.map(q).join('|')}) REPLY=${q(kind)} ;;`);
    out.push(`${indent}  esac ;;`);
  }
  return out;
}

function argKindArms(m: CompletionModel, indent: string): string[] {
  return m.commands
    .filter((c) => c.args)
    .map((c) => `${indent}${q(c.id)}) REPLY=${q(typeof c.args === 'string' ? c.args : `opt:${c.args!.options.join(' ')}`)} ;;`);
}

function commandIdsPattern(m: CompletionModel): string {
  return [...m.commands.map((c) => c.id), ...m.topics.map((t) => t.id)].map(q).join('|');
}

const HEADER = (shell: string, bin: string): string[] => [
  `# ${bin} completion for ${shell}, generated by \`${bin} completion ${shell}\` from the command definitions.`,
  shell === 'bash'
    ? `# Load it in ~/.bashrc:  eval "$(${bin} completion bash)"`
    : `# Load it in ~/.zshrc (after compinit):  eval "$(${bin} completion zsh)"`,
  shell === 'bash'
    ? `# or save it:  ${bin} completion bash > ~/.local/share/bash-completion/completions/${bin}`
    : `# or save it as _${bin} in a directory of $fpath:  ${bin} completion zsh > ~/.zfunc/_${bin}`,
];

/** How the scripts run kt for names: kt on PATH, else the node and script that made the script. */
function runner(m: CompletionModel, fn: string, self?: { node: string; script: string }): string[] {
  const fallback = self ? `${q(self.node)} ${q(self.script)}` : m.bin;
  return [
    `${fn}() {`,
    `  if command -v ${m.bin} >/dev/null 2>&1; then command ${m.bin} "$@"; else ${fallback} "$@"; fi`,
    '}',
  ];
}

// ---------------------------------------------------------------------------------------
// bash

export function bashScript(m: CompletionModel, self?: { node: string; script: string }): string {
  const p = `_${m.bin.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const lines: string[] = [...HEADER('bash', m.bin), ''];
  lines.push(...runner(m, `${p}_run`, self), '');
  lines.push(`${p}_is_command() {`, '  case "$1" in', `    ${commandIdsPattern(m)}) return 0 ;;`, '  esac', '  return 1', '}', '');
  lines.push(`${p}_subcommands() {`, '  case "$1" in');
  for (const parent of parents(m)) lines.push(`    ${q(parent)}) REPLY=${q(children(m, parent).map(([n]) => n).join(' '))} ;;`);
  lines.push('    *) REPLY= ;;', '  esac', '}', '');
  lines.push(`${p}_flags() {`, '  case "$1" in');
  for (const c of m.commands) lines.push(`    ${q(c.id)}) REPLY=${q(c.flags.flatMap((f) => f.names.filter((n) => n.startsWith('--'))).join(' '))} ;;`);
  lines.push(`    '') REPLY='--help --version' ;;`, '    *) REPLY= ;;', '  esac', '}', '');
  lines.push(`# the kind of value a flag takes; empty for a boolean flag`, `${p}_value_kind() {`, '  REPLY=', '  case "$1" in', ...valueKindArms(m, '    '), '  esac', '}', '');
  lines.push(`${p}_arg_kind() {`, '  REPLY=', '  case "$1" in', ...argKindArms(m, '    '), '  esac', '}', '');
  lines.push(
    `${p}_values() { # $1: kind; sets COMPREPLY for the current word`,
    '  local cur="$2"',
    '  case "$1" in',
    `    topics|groups|profiles) COMPREPLY=( $(compgen -W "$(${p}_run completion --complete "$1" --line "\${COMP_LINE:0:COMP_POINT}" 2>/dev/null)" -- "$cur") ) ;;`,
    '    files) compopt -o filenames 2>/dev/null; COMPREPLY=( $(compgen -f -- "$cur") ) ;;',
    '    dirs) compopt -o filenames 2>/dev/null; COMPREPLY=( $(compgen -d -- "$cur") ) ;;',
    '    opt:*) COMPREPLY=( $(compgen -W "${1#opt:}" -- "$cur") ) ;;',
    '    *) COMPREPLY=() ;;',
    '  esac',
    '}',
    '',
    `${p}() {`,
    '  local cur="${COMP_WORDS[COMP_CWORD]}" cmd="" w i=1 REPLY',
    '  COMPREPLY=()',
    '  while [ "$i" -lt "$COMP_CWORD" ]; do',
    '    w="${COMP_WORDS[i]}"',
    '    case "$w" in',
    '      -*)',
    '        if [ "${COMP_WORDS[i+1]}" = "=" ]; then i=$((i + 2))',
    `        else ${p}_value_kind "$cmd" "$w"; [ -n "$REPLY" ] && i=$((i + 1)); fi ;;`,
    `      *) if ${p}_is_command "\${cmd:+$cmd }$w"; then cmd="\${cmd:+$cmd }$w"; fi ;;`,
    '    esac',
    '    i=$((i + 1))',
    '  done',
    '  # the value of a flag: --flag VALUE, or --flag=VALUE (bash splits at "=")',
    '  local prev="${COMP_WORDS[COMP_CWORD-1]}"',
    '  if [ "$cur" = "=" ]; then prev="${COMP_WORDS[COMP_CWORD-1]}"; cur=""',
    '  elif [ "$prev" = "=" ] && [ "$COMP_CWORD" -ge 2 ]; then prev="${COMP_WORDS[COMP_CWORD-2]}"',
    '  fi',
    '  case "$prev" in',
    '    -*)',
    `      ${p}_value_kind "$cmd" "$prev"`,
    `      if [ -n "$REPLY" ]; then ${p}_values "$REPLY" "$cur"; return 0; fi ;;`,
    '  esac',
    '  case "$cur" in',
    `    -*) ${p}_flags "$cmd"; COMPREPLY=( $(compgen -W "$REPLY" -- "$cur") ); return 0 ;;`,
    '  esac',
    `  ${p}_subcommands "$cmd"`,
    '  if [ -n "$REPLY" ]; then COMPREPLY=( $(compgen -W "$REPLY" -- "$cur") ); return 0; fi',
    `  ${p}_arg_kind "$cmd"`,
    `  [ -n "$REPLY" ] && ${p}_values "$REPLY" "$cur"`,
    '  return 0',
    '}',
    '',
    `complete -F ${p} ${m.bin}`,
  );
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------
// zsh

const zdesc = (name: string, summary: string): string => q(`${name.replace(/:/g, '\\:')}:${summary.replace(/\s+/g, ' ').trim()}`);

export function zshScript(m: CompletionModel, self?: { node: string; script: string }): string {
  const p = `_${m.bin.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const lines: string[] = [`#compdef ${m.bin}`, ...HEADER('zsh', m.bin), ''];
  lines.push(...runner(m, `${p}_run`, self), '');
  lines.push(`${p}_is_command() {`, '  case "$1" in', `    ${commandIdsPattern(m)}) return 0 ;;`, '  esac', '  return 1', '}', '');
  lines.push(`${p}_subcommands() {`, '  case "$1" in');
  for (const parent of parents(m)) lines.push(`    ${q(parent)}) reply=(${children(m, parent).map(([n, s]) => zdesc(n, s)).join(' ')}) ;;`);
  lines.push('    *) reply=() ;;', '  esac', '}', '');
  lines.push(`${p}_flags() {`, '  case "$1" in');
  for (const c of m.commands) lines.push(`    ${q(c.id)}) reply=(${c.flags.flatMap((f) => f.names.map((n) => zdesc(n, f.summary))).join(' ')}) ;;`);
  lines.push(`    '') reply=(${zdesc('--help', 'Show help')} ${zdesc('--version', 'Show the version')}) ;;`, '    *) reply=() ;;', '  esac', '}', '');
  lines.push(`${p}_value_kind() {`, '  REPLY=', '  case "$1" in', ...valueKindArms(m, '    '), '  esac', '}', '');
  lines.push(`${p}_arg_kind() {`, '  REPLY=', '  case "$1" in', ...argKindArms(m, '    '), '  esac', '}', '');
  lines.push(
    '# What to offer for words[CURRENT]: sets REPLY to the mode (describe, values, files, dirs, none)',
    '# and reply to the candidates; no completion widgets involved, so it can be tested.',
    `${p}_candidates() {`,
    '  local cmd="" w i=2 cur="${words[CURRENT]}" prev="${words[CURRENT-1]}" kind',
    '  reply=()',
    '  while (( i < CURRENT )); do',
    '    w="${words[i]}"',
    '    case "$w" in',
    '      --*=*) ;;',
    `      -*) ${p}_value_kind "$cmd" "$w"; [[ -n "$REPLY" ]] && (( i++ )) ;;`,
    `      *) if ${p}_is_command "\${cmd:+$cmd }$w"; then cmd="\${cmd:+$cmd }$w"; fi ;;`,
    '    esac',
    '    (( i++ ))',
    '  done',
    '  if [[ "$cur" == --*=* ]]; then',
    `    ${p}_value_kind "$cmd" "\${cur%%=*}"; kind="$REPLY"`,
    '  elif [[ "$prev" == -* ]]; then',
    `    ${p}_value_kind "$cmd" "$prev"; kind="$REPLY"`,
    '  fi',
    '  if [[ -n "$kind" ]]; then',
    `    ${p}_value_candidates "$kind"; return`,
    '  fi',
    '  if [[ "$cur" == -* ]]; then',
    `    ${p}_flags "$cmd"; REPLY=describe; return`,
    '  fi',
    `  ${p}_subcommands "$cmd"`,
    '  if (( ${#reply} )); then REPLY=describe; return; fi',
    `  ${p}_arg_kind "$cmd"`,
    `  if [[ -n "$REPLY" ]]; then ${p}_value_candidates "$REPLY"; return; fi`,
    '  REPLY=none',
    '}',
    '',
    `${p}_value_candidates() {`,
    '  case "$1" in',
    `    topics|groups|profiles) reply=(\${(f)"$(${p}_run completion --complete "$1" -- "\${(@)words[2,-1]}" 2>/dev/null)"}); REPLY=values ;;`,
    '    files) REPLY=files ;;',
    '    dirs) REPLY=dirs ;;',
    '    opt:*) reply=(${=1#opt:}); REPLY=values ;;',
    '    *) REPLY=none ;;',
    '  esac',
    '}',
    '',
    `${p}() {`,
    '  local REPLY',
    '  local -a reply',
    `  ${p}_candidates`,
    '  if [[ "${words[CURRENT]}" == --*=* ]]; then compset -P "*="; fi',
    '  case "$REPLY" in',
    `    describe) _describe -t ${m.bin}-words ${q(m.bin)} reply ;;`,
    '    values) (( ${#reply} )) && compadd -a reply ;;',
    '    files) _files ;;',
    '    dirs) _files -/ ;;',
    '  esac',
    '}',
    '',
    `if [[ "\${funcstack[1]}" == ${p} ]]; then`,
    `  ${p} "$@"`,
    'else',
    `  (( $+functions[compdef] )) && compdef ${p} ${m.bin}`,
    'fi',
  );
  return `${lines.join('\n')}\n`;
}
