// oclif's command_not_found hook: an unknown command (or a stray flag before any command)
// is a usage error in kt's words, with the closest commands suggested, instead of oclif's
// `command topics:creat:x not found`.

import type { Hook } from '@oclif/core';
import { UsageError } from '../errors.js';
import { didYouMean, suggest } from '../suggest.js';

const hook: Hook<'command_not_found'> = async function (opts) {
  // `kt help [COMMAND...]` (as git and npm take it): the same text as `kt COMMAND --help`
  const words = opts.id.split(':');
  if (words[0] === 'help') {
    const { loadHelpClass } = await import('@oclif/core');
    const Help = await loadHelpClass(opts.config);
    const rest = words.slice(1);
    const wanted = rest.join(':');
    if (rest.length && !opts.config.commandIDs.includes(wanted) && !opts.config.topics.some((t) => t.name === wanted)) {
      throw unknownCommand(wanted, opts.config.commandIDs, opts.config.topics.map((t) => t.name));
    }
    await new Help(opts.config).showHelp([...rest, ...(opts.argv ?? [])]);
    return;
  }
  throw unknownCommand(opts.id, opts.config.commandIDs, opts.config.topics.map((t) => t.name));
};

export default hook;

/** The error for `kt <words…>` that names no command (ids and topics use ':' between words). */
export function unknownCommand(id: string, commandIds: string[], topicNames: string[]): UsageError {
  const words = id.split(':').filter((w) => w.length > 0);
  const first = words[0] ?? '';
  if (first.startsWith('-')) {
    const flags = ['--help', '--version'];
    const short: Record<string, string> = { '-v': '--version', '-V': '--version', '-h': '--help' };
    const s = short[first] ? [short[first]] : suggest(first.replace(/^-+/, '--'), flags, 1);
    return new UsageError(`unknown flag ${first}`, s.length ? didYouMean(s.map((f) => `kt ${f}`)) : 'see kt --help');
  }
  const known = new Set([...commandIds, ...topicNames]);
  // the longest known prefix (a topic such as "topics"), then the word that went wrong
  let k = 0;
  for (let i = words.length - 1; i >= 1; i--) {
    if (known.has(words.slice(0, i).join(':'))) {
      k = i;
      break;
    }
  }
  const parent = words.slice(0, k).join(':');
  const bad = words[k] ?? '';
  const children = [...known]
    .filter((c) => (k === 0 ? !c.includes(':') : c.startsWith(`${parent}:`) && c.split(':').length === k + 1))
    .map((c) => c.split(':')[k]);
  const spoken = (ws: string[]) => ['kt', ...ws].join(' ');
  const s = suggest(bad, children, 3).map((c) => `'${spoken([...words.slice(0, k), c])}'`);
  const asked = spoken(words.slice(0, k + 1));
  const help = `see ${spoken([...words.slice(0, k), '--help'])}`;
  return new UsageError(`unknown command '${asked}'`, s.length ? didYouMean(s) : help);
}
