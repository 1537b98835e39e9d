// Tables for people (cli-table3, loaded only when a table is printed) and the plain
// TAB-separated layouts of the Apache tools.

import { createRequire } from 'node:module';

export type Cell = string | number | null | undefined;

export interface TableOptions {
  /** colour function for the header row */
  head?: (s: string) => string;
  /** right-align these columns (numbers) */
  alignRight?: number[];
}

const require = createRequire(import.meta.url);

/** A borderless table with a header row, sized to content. */
export function renderTable(head: string[], rows: Cell[][], o: TableOptions = {}): string {
  const Table = require('cli-table3') as typeof import('cli-table3');
  const colAligns = head.map((_, i) => (o.alignRight?.includes(i) ? 'right' : 'left')) as Array<'left' | 'right'>;
  const table = new Table({
    head: head.map((h) => (o.head ? o.head(h) : h)),
    colAligns,
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
      bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '',
      right: '', 'right-mid': '', middle: '  ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  for (const r of rows) table.push(r.map((c) => (c === null || c === undefined ? '-' : String(c))));
  return table
    .toString()
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .join('\n');
}

/** `a,b,c` for id lists (Apache style); empty list → empty string. */
export function idList(ids: readonly number[]): string {
  return ids.join(',');
}
