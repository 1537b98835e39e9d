// bin/load.cjs keeps V8's young generation at its first size while kt starts (less memory for
// a short call). A command about to stream records calls streamingHeap() to give V8 its
// default growth back: allocation-heavy loops need a large young generation (a consume of
// many records is ~3x slower without).

import v8 from 'node:v8';

/** V8's default young-generation growth (bin/load.cjs, DEFAULT_FLAGS). */
export function streamingHeap(): void {
  v8.setFlagsFromString('--semi-space-growth-factor=2');
}
