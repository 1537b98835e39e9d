// "Did you mean …?" for misspelled commands and flags: the closest candidates by edit
// distance (insertions, deletions, substitutions and swaps of neighbours each cost 1).

/** Optimal-string-alignment distance between a and b (case-insensitive). */
export function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[rows - 1][cols - 1];
}

/**
 * The candidates close enough to `word` to suggest, best first: within a third of the
 * word's length (at least 1, at most 3 edits), or starting with it (`crea` → `create`).
 */
export function suggest(word: string, candidates: Iterable<string>, max = 3): string[] {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  const scored: Array<{ c: string; d: number }> = [];
  for (const c of new Set(candidates)) {
    if (c === word) continue;
    const d = editDistance(word, c);
    if (d <= limit) scored.push({ c, d });
    else if (word.length >= 2 && c.toLowerCase().startsWith(word.toLowerCase())) scored.push({ c, d: limit + 0.5 });
  }
  scored.sort((x, y) => x.d - y.d || (x.c < y.c ? -1 : x.c > y.c ? 1 : 0));
  return scored.slice(0, max).map((s) => s.c);
}

/** ` — did you mean 'a' or 'b'?` wording, or '' without suggestions. */
export function didYouMean(suggestions: string[]): string {
  if (suggestions.length === 0) return '';
  const quoted = suggestions.map((s) => s);
  return quoted.length === 1 ? `did you mean ${quoted[0]}?` : `did you mean ${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}?`;
}
