// Log lines carry strings that clients choose: client ids, group and member ids,
// transactional ids, user names, topic names in errors. So that one event stays one line and
// a client can neither forge a line nor reach the terminal of whoever reads the log, every
// line is escaped on its way out: C0 and C1 control characters and DEL as \n, \r, \t, \xHH,
// and the Unicode line/paragraph separators and bidirectional overrides as \uHHHH.
// Backslashes are left alone (paths on Windows); the result is for reading, not for parsing back.

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function escapeLogLine(line: string): string {
  return line.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return NAMED[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}

/**
 * The broker's log function over `sink`: lines escaped (see above), and a sink that throws
 * (a full disk, a closed pipe) costs the line, never the request that logged it.
 */
export function brokerLog(sink: (line: string) => void): (line: string) => void {
  return (line) => {
    try {
      sink(escapeLogLine(line));
    } catch {
      // the line is lost; serving goes on
    }
  };
}
