import type { ReviewQueueEntry } from '../../../shared/types.ts';

/**
 * The review queue between a decision and the queue read that reflects it. Storing a decision
 * and ranking the queue again take about a second on a full-size scan; meanwhile the decided
 * slices leave the shown queue at once, so it shows the next proposal, not an empty queue or the
 * slice just decided. A read that began before the decision was stored may still list them: they
 * stay hidden from it, and from every read until one that began after the decision was stored.
 * One queue (run, scan, axis) at a time: a new one starts afresh.
 */
export class PendingDecisions {
  /** Decided slice → the last read that may not reflect it; Infinity while its decision is being stored. */
  private readonly hidden = new Map<number, number>();
  private reads = 0;

  /** Numbers a queue read as it is sent. */
  startRead(): number {
    return ++this.reads;
  }

  /** Slices just decided: hidden from every read until the decision is stored. */
  decided(slices: readonly number[]): void {
    for (const s of slices) this.hidden.set(s, Infinity);
  }

  /** The decision is stored: reads sent from now on reflect it. */
  stored(slices: readonly number[]): void {
    for (const s of slices) if (this.hidden.has(s)) this.hidden.set(s, this.reads);
  }

  /** The decision failed: the slices belong in the queue again. */
  failed(slices: readonly number[]): void {
    for (const s of slices) this.hidden.delete(s);
  }

  /** What read number `read` shows: its entries less the decided slices it may not reflect. */
  received(read: number, entries: readonly ReviewQueueEntry[]): ReviewQueueEntry[] {
    for (const [s, last] of this.hidden) if (read > last) this.hidden.delete(s);
    return this.hide(entries);
  }

  /** The shown queue less the decided slices. */
  hide(entries: readonly ReviewQueueEntry[]): ReviewQueueEntry[] {
    return entries.filter((e) => !this.hidden.has(e.slice));
  }
}
