// Time as the group coordinator sees it. Injectable so tests can drive session expiry and
// rebalance timeouts without real waits.

export interface Clock {
  now(): number;
  /** Runs `fn` once after `ms`; returns a handle for clearTimer. */
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** Wall-clock time with unref'd timers: a pending rebalance never keeps the process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimer(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};
