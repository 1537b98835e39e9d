// A byte budget shared by the whole broker (after Kafka's MemoryPool). Fetch responses take
// their size from it before reading records and give it back once the response has been
// handed to the socket, so the memory held by fetches stays near the pool's capacity however
// many clients fetch at once. A fetch that finds the pool exhausted waits, holding nothing.
// Requests still arriving take their buffers from another pool (connection.ts).

export class MemoryPool {
  private used = 0;
  private readonly listeners = new Set<() => void>();

  constructor(readonly capacity: number) {}

  get usedBytes(): number {
    return this.used;
  }

  /** Takes up to `wanted` bytes; 0 when the pool is exhausted. */
  tryReserve(wanted: number): number {
    const n = Math.max(0, Math.min(wanted, this.capacity - this.used));
    this.used += n;
    return n;
  }

  /** Takes exactly `bytes` when that many are free; false (taking nothing) otherwise. */
  take(bytes: number): boolean {
    if (this.used + bytes > this.capacity) return false;
    this.used += bytes;
    return true;
  }

  /**
   * Turns a reservation of `granted` bytes into one of `actual` bytes: gives back what was not
   * used, or takes the excess when a response had to exceed its grant (the first batch of a
   * fetch is always returned whole, KIP-74).
   */
  settle(granted: number, actual: number): void {
    if (actual >= granted) this.used += actual - granted;
    else this.release(granted - actual);
  }

  release(bytes: number): void {
    if (bytes <= 0) return;
    this.used = Math.max(0, this.used - bytes);
    for (const l of [...this.listeners]) l();
  }

  /** Calls `listener` on every release until the returned function is called. */
  onRelease(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
