// How the benchmark runs its Python peers (bench/run.ts, bench/w4.ts): the settings a competent
// user of numpy and PyTorch would reach for.

/**
 * glibc's allocator told to keep freed memory (the settings a user who profiles numpy finds): by
 * default, after the first ~0.4 MB temporary of a training step is freed, glibc serves such blocks
 * from the heap and hands the heap's free top back to the kernel (brk) about once a step, so the
 * next step faults ~1.5 MB in again (strace: 100 trims of 144 MiB in ~96 numpy steps, 41,080
 * minor faults against 7,399 with these) — numpy's W2 epoch took 0.64 s that way against ~0.07 s
 * with these (issue 16).
 */
export const KEEP_MEMORY = { MALLOC_MMAP_THRESHOLD_: '8000000', MALLOC_TRIM_THRESHOLD_: '200000000', MALLOC_TOP_PAD_: '67108864' };

/**
 * The environment for a Python peer: this process's with `extra`, and without the OpenBLAS
 * core-type overrides some machines set for old builds (OPENBLAS_CORETYPE=Haswell keeps a Zen 5's
 * OpenBLAS off its AVX-512 kernels: 512³ on two threads 262 GFLOP/s without it).
 */
export function pythonEnv(extra: Record<string, string> = {}, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, ...extra };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}
