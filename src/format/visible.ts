// Record bytes shown on a terminal: control characters made visible, as less and kcat do,
// so a value cannot move the cursor, recolour the screen or retitle the window. Only for a
// TTY; a pipe or a file gets the bytes as they are.
//
// C0 controls other than TAB and LF become caret notation (ESC → ^[, CR → ^M, NUL → ^@),
// DEL → ^?, and the C1 controls U+0080–U+009F (UTF-8 C2 80–C2 9F; a terminal may act on
// U+009B as CSI) → <U+009B>.

const CARET = '^'.charCodeAt(0);

function needsWork(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if ((b < 0x20 && b !== 0x0a && b !== 0x09) || b === 0x7f) return true;
    if (b === 0xc2 && i + 1 < buf.length && buf[i + 1] >= 0x80 && buf[i + 1] <= 0x9f) return true;
  }
  return false;
}

/** `buf` with its control characters made visible (the same buffer when there are none). */
export function visibleControls(buf: Buffer): Buffer {
  if (!needsWork(buf)) return buf;
  const out: number[] = [];
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if ((b < 0x20 && b !== 0x0a && b !== 0x09) || b === 0x7f) {
      out.push(CARET, b === 0x7f ? 0x3f : b + 0x40);
    } else if (b === 0xc2 && i + 1 < buf.length && buf[i + 1] >= 0x80 && buf[i + 1] <= 0x9f) {
      for (const c of Buffer.from(`<U+00${buf[i + 1].toString(16).toUpperCase()}>`, 'latin1')) out.push(c);
      i++;
    } else {
      out.push(b);
    }
  }
  return Buffer.from(out);
}
