/**
 * Which slices to review next: the ones whose annotation would teach the next model most.
 *
 * A slice's gain is what is doubtful or present in it, discounted by how close it lies to what
 * is already annotated: `(u + STRUCTURE_WEIGHT · f) · d / (d + NOVELTY_HALF_DISTANCE)`, where
 * u is the mean normalised entropy over the slice's voxels that are predicted foreground or at
 * least UNCERTAIN_VOXEL uncertain (0..1), f its predicted-foreground voxels as a share of the
 * scan's fullest slice, and d the distance in slices to the nearest annotated slice along the
 * axis (a scan with none counts as fully new). So a slice far from the annotations that holds
 * predicted structure — where a model trained on a few slices paints structures that are not
 * there, or misses the shape they take there — is proposed before a doubtful neighbour of an
 * annotated slice, whose annotation would add little.
 *
 * Picks are spread: after each proposal the slices within NEIGHBOURHOOD_SHARE of the scan on
 * either side of it wait until every other slice with a gain is proposed (near-duplicates), and
 * the scan's other slices keep SPREAD_FACTOR of their gain per proposal already made in it, so
 * the queue covers the scans and regions the labels have not reached. The waiting slices and
 * those with no gain follow, by gain. Measured with `npm run bench:loop`.
 *
 * Near-empty slices — predicted structure under NEAR_EMPTY_SHARE of the scan's fullest slice —
 * are left out unless asked for: u is a mean, so a slice that grazes the tip of a structure
 * (a handful of doubtful voxels) scores as doubtful as one through its middle and used to head
 * the queue, although a person can judge little there and its annotation teaches little shape.
 */
import type { ReviewQueueEntry, SliceState } from '../../shared/types.ts';

/** A voxel predicted background counts towards a slice's uncertainty only from this normalised entropy on. */
export const UNCERTAIN_VOXEL = 0.25;
/** Weight of the predicted-structure share beside the uncertainty. */
export const STRUCTURE_WEIGHT = 0.5;
/** Distance (slices) from the nearest annotated slice at which a slice counts as half new. */
export const NOVELTY_HALF_DISTANCE = 3;
/** Share of a scan's slices on either side of a proposal that count as its near-duplicates. */
export const NEIGHBOURHOOD_SHARE = 0.03;
/** What a scan's other slices keep of their gain per proposal already made in it. */
export const SPREAD_FACTOR = 0.8;
/**
 * A slice whose predicted structure is under this share of the scan's fullest slice is
 * near-empty. A share of the fullest slice rather than of the slice's voxels, because structures
 * differ in size by orders of magnitude (a few hundred voxels a slice for a hippocampus, tens of
 * thousands for a whole brain): 0.5 % of a 256×256 slice would hide every slice of a small
 * structure, while 5 % of its fullest slice keeps all but its ends. A slice with none counts too.
 */
export const NEAR_EMPTY_SHARE = 0.05;

/** One slice of one scan neither annotated nor painted, and undecided, as the queue weighs it. */
export interface SliceCandidate {
  scanId: string;
  axis: ReviewQueueEntry['axis'];
  slice: number;
  state: SliceState;
  /** Mean normalised entropy over the slice's predicted-foreground or uncertain voxels; 0 when none. */
  uncertainty: number;
  /** Predicted-foreground voxels in the slice. */
  foreground: number;
  /** Slices to the nearest annotated slice of the scan along the axis; Infinity when there is none. */
  distance: number;
  /** Slices of the scan along the axis. */
  sliceCount: number;
}

/**
 * The queue: candidates in the order to review them, at most `limit`, each with why it was
 * proposed; near-empty slices only with `includeNearEmpty`.
 */
export function rankReviewQueue(candidates: readonly SliceCandidate[], limit: number, { includeNearEmpty = false } = {}): ReviewQueueEntry[] {
  const mostForeground = new Map<string, number>();
  for (const c of candidates) mostForeground.set(c.scanId, Math.max(mostForeground.get(c.scanId) ?? 0, c.foreground));
  const weighed = candidates.flatMap((c, order) => {
    const structure = mostForeground.get(c.scanId)! > 0 ? c.foreground / mostForeground.get(c.scanId)! : 0;
    if (!includeNearEmpty && structure < NEAR_EMPTY_SHARE) return [];
    const novelty = Number.isFinite(c.distance) ? c.distance / (c.distance + NOVELTY_HALF_DISTANCE) : 1;
    return [{ c, order, structure, gain: (c.uncertainty + STRUCTURE_WEIGHT * structure) * novelty }];
  });
  const picks: typeof weighed = [];
  const deferred: typeof weighed = [];
  const proposals = new Map<string, number>();
  let left = weighed;
  while (left.length > 0 && picks.length < limit) {
    // Highest gain after the spread discount; ties keep the project's scan order, then slice order.
    let best = left[0]!;
    let bestScore = -Infinity;
    for (const w of left) {
      const score = w.gain * SPREAD_FACTOR ** (proposals.get(w.c.scanId) ?? 0);
      if (score > bestScore || (score === bestScore && w.order < best.order)) {
        best = w;
        bestScore = score;
      }
    }
    // What is left teaches nothing (confident background): near-duplicates with a gain go first.
    if (bestScore <= 0) break;
    picks.push(best);
    proposals.set(best.c.scanId, (proposals.get(best.c.scanId) ?? 0) + 1);
    const radius = Math.max(1, Math.round(NEIGHBOURHOOD_SHARE * best.c.sliceCount));
    const near = (w: typeof best) => w !== best && w.c.scanId === best.c.scanId && Math.abs(w.c.slice - best.c.slice) <= radius;
    deferred.push(...left.filter(near));
    left = left.filter((w) => w !== best && !near(w));
  }
  const rest = [...left, ...deferred].sort((a, b) => b.gain - a.gain || a.order - b.order);
  return [...picks, ...rest].slice(0, limit).map((w) => ({
    scanId: w.c.scanId,
    axis: w.c.axis,
    slice: w.c.slice,
    state: w.c.state,
    uncertainty: w.c.uncertainty,
    gain: w.gain,
    reason: reason(w.c, w.structure),
  }));
}

function reason(c: SliceCandidate, structure: number): string {
  const parts = [
    Number.isFinite(c.distance) ? `${c.distance} slice${c.distance === 1 ? '' : 's'} from the nearest annotated one` : 'no annotated slice on this scan yet',
    // A few voxels of a large scan round to 0 %: say "< 1 %", not that a slice with structure holds none.
    structure > 0
      ? `holds predicted structure (${structure < 0.005 ? '< 1' : Math.round(structure * 100)} % of the scan's fullest slice)`
      : 'no predicted structure',
  ];
  if (c.uncertainty >= UNCERTAIN_VOXEL) parts.push(`uncertain (${c.uncertainty.toFixed(2)})`);
  return parts.join(' · ');
}
