// The order oclif sorts command ids in (String.prototype.localeCompare), without ICU's
// collator where the result is the same: the first localeCompare of a process loads the
// collation data, ~4 ms of every kt call (oclif sorts the commands at every start). For
// strings of a-z, ':' and '-' the root collation (C and English locales) orders as UTF-16
// code units do; other strings, and other locales (da: "aa" after "z"), go to localeCompare.
// The bundle puts this in oclif's place (src/dev/bundle.ts).

/** Whether ICU's default locale (from LC_ALL, LC_MESSAGES, LANG) collates as the root locale. */
export function rootCollation(env: NodeJS.ProcessEnv = process.env): boolean {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^(C|POSIX|en(_[A-Z]{2})?)?([.@].*)?$/.test(locale);
}

const ROOT = rootCollation();
const SIMPLE = /^[a-z:-]*$/;

/** a.localeCompare(b), in sign. */
export function compareIds(a: string, b: string, root = ROOT): number {
  if (root && SIMPLE.test(a) && SIMPLE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return a.localeCompare(b);
}
