// Backslash escapes for separators and templates: \n \t \r \\ \0 \xNN.

import { UsageError } from '../errors.js';

/** Unescape a separator given on the command line (`--delimiter '\t'`, `key.separator=\t`). */
export function unescapeSeparator(text: string, what: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\' || i === text.length - 1) {
      out += c;
      continue;
    }
    const n = text[++i];
    switch (n) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '0': out += '\0'; break;
      case '\\': out += '\\'; break;
      case 'x': {
        const hex = text.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new UsageError(`bad escape '\\x${hex}' in ${what}; expected \\xNN`);
        out += String.fromCharCode(parseInt(hex, 16));
        i += 2;
        break;
      }
      default:
        // Unknown escapes stay literal (a Windows path, a regex).
        out += `\\${n}`;
    }
  }
  return out;
}

/** Like unescapeSeparator, but bytes: `\xNN` is one byte, other text is UTF-8. */
export function separatorBytes(text: string, what: string): Buffer {
  const parts: Buffer[] = [];
  let lit = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && text[i + 1] === 'x') {
      const hex = text.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new UsageError(`bad escape '\\x${hex}' in ${what}; expected \\xNN`);
      parts.push(Buffer.from(unescapeSeparator(lit, what), 'utf8'), Buffer.from([parseInt(hex, 16)]));
      lit = '';
      i += 3;
      continue;
    }
    if (text[i] === '\\' && i + 1 < text.length) {
      lit += text[i] + text[i + 1];
      i++;
      continue;
    }
    lit += text[i];
  }
  parts.push(Buffer.from(unescapeSeparator(lit, what), 'utf8'));
  return Buffer.concat(parts);
}
