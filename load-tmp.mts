import { readCsvFile } from './src/data/csv.node.js';
const runs = Number(process.argv[4] ?? 3);
let best = Infinity, bestWall = Infinity;
for (let r = 0; r < runs; r++) {
  const c = process.cpuUsage(); const t = performance.now();
  const ds = await readCsvFile(process.argv[2]!, { dtype: (process.argv[3] as 'float32') ?? 'float32' });
  const u = process.cpuUsage(c); best = Math.min(best, (u.user + u.system) / 1e6); bestWall = Math.min(bestWall, (performance.now() - t) / 1000);
  if (r === 0) console.log(`${ds.rows}x${ds.inputSize}`);
}
console.log(`${process.argv[2]}: best cpu ${best.toFixed(2)} s, best wall ${bestWall.toFixed(2)} s, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
