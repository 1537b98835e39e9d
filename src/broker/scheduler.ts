// Cooperative time slices. Every connection's requests run on the one event loop, so a request
// that takes long (Metadata for 100,000 names, a connection with many pipelined requests) would
// make every other client wait. Long work calls yieldSlice() between steps: once the current
// slice has run for SLICE_MS, it waits one turn of the event loop, in which other sockets are
// read and their requests handled. The slice is the process's, as the event loop is.

const SLICE_MS = 10;

let sliceStart = performance.now();

/** One turn of the event loop (after pending I/O), then a fresh slice. */
export function yieldNow(): Promise<void> {
  return new Promise((resolve) =>
    setImmediate(() => {
      sliceStart = performance.now();
      resolve();
    }),
  );
}

/**
 * Yields when the current slice is used up. A slice is counted from the last yield, so after
 * an idle spell the first call yields at once: one turn too many, never one too few.
 */
export function yieldSlice(): Promise<void> | undefined {
  return performance.now() - sliceStart >= SLICE_MS ? yieldNow() : undefined;
}
