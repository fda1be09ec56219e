import { writeSync } from 'node:fs';
import { PEAK_RSS_MARK } from './badInputChild.ts';

// Preloaded into the child by runAtrium: the high-water mark is only known once it is done.
process.on('exit', () => {
  writeSync(2, `\n${PEAK_RSS_MARK} ${process.resourceUsage().maxRSS}\n`);
});
