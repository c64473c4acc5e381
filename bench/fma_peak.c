/* Measures this CPU's single-precision FMA peak in GFLOP/s with T threads:
 * independent chains of vector fused multiply-adds, enough of them to hide
 * the FMA latency. The benchmark divides each model's GFLOP/s by it.
 *
 *   clang -O3 -march=native -mprefer-vector-width=512 -ffp-contract=fast \
 *     -pthread fma_peak.c -o fma_peak
 *   ./fma_peak [threads]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* One vector register per chain: wider vectors than the registers would be
 * split, twelve chains would then spill and the "peak" would halve. */
#if defined(__AVX512F__)
#define LANES 16
#elif defined(__AVX__)
#define LANES 8
#else
#define LANES 4
#endif
#define CHAINS 12
#define ITERS 20000000L

typedef float vec __attribute__((vector_size(LANES * sizeof(float))));

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void *chains(void *out) {
  vec acc[CHAINS], m, a;
  for (int i = 0; i < LANES; ++i) {
    m[i] = 0.999999f;
    a[i] = 1e-7f;
  }
  for (int c = 0; c < CHAINS; ++c)
    acc[c] = m * (float)c;
  for (long i = 0; i < ITERS; ++i)
    for (int c = 0; c < CHAINS; ++c)
      acc[c] = acc[c] * m + a;
  float sum = 0;
  for (int c = 0; c < CHAINS; ++c)
    for (int i = 0; i < LANES; ++i)
      sum += acc[c][i];
  *(float *)out = sum; /* keeps the loop alive */
  return NULL;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  if (threads < 1 || threads > 256)
    return fprintf(stderr, "fma_peak: bad thread count\n"), 1;
  pthread_t ids[256];
  float sink[256];
  double start = now();
  for (int t = 0; t < threads; ++t)
    pthread_create(&ids[t], NULL, chains, &sink[t]);
  for (int t = 0; t < threads; ++t)
    pthread_join(ids[t], NULL);
  double seconds = now() - start;
  double flops = 2.0 * LANES * CHAINS * (double)ITERS * threads;
  printf("fma peak: %.1f GFLOP/s with %d thread(s) (checksum %g)\n", flops / seconds / 1e9,
         threads, (double)sink[0]);
  return 0;
}
