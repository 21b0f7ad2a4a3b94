// Loaded into a server child with `node --import`: sums the process's garbage collections by kind
// (PerformanceObserver 'gc' entries) and keeps the totals in the file named by BENCH_GC_FILE, so the bench can
// report GC time and major collections per request — a change that makes objects outlive the young generation
// (issue 12: an accessor in a per-request object literal) shows as scavenge time and mark-compacts.
import { writeFileSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';

const file = process.env.BENCH_GC_FILE;
if (file) {
  const totals = { minorMs: 0, minorCount: 0, majorMs: 0, majorCount: 0, otherMs: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = e.detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
        totals.minorMs += e.duration;
        totals.minorCount++;
      } else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        totals.majorMs += e.duration;
        totals.majorCount++;
      } else totals.otherMs += e.duration;
    }
  }).observe({ entryTypes: ['gc'] });
  const flush = () => writeFileSync(file, JSON.stringify(totals));
  flush();
  setInterval(flush, 100).unref();
}
