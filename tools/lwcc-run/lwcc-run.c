/*===- lwcc-run.c - load a generated library, run it, check and time it ---===*
 *
 *   lwcc-run model.so [--input F]... [--seed N] [--expect F]... [--rtol R]
 *            [--atol A] [--save DIR] [--bench N] [--times] [--threads T]
 *            [--info] [--profile]
 *
 * Inputs come from .npy / TensorProto .pb files (one per model input, in
 * order) or are random with a seed. Outputs are compared with references
 * (|got - want| <= atol + rtol * |want| everywhere), saved as .npy, and
 * summarised. --bench N times N runs after 3 warm-up runs (min and median;
 * --times lists every run too). Exit status: 0 ok, 1 mismatch or error. Plain C so it builds
 * for every target (an aarch64 build runs under qemu-aarch64).
 *
 *===----------------------------------------------------------------------===*/

#include "lwcc/runtime.h"
#include "tensor_io.h"

#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { kMaxFiles = 64 };

typedef struct options {
  const char *library;
  const char *inputs[kMaxFiles];
  int num_inputs;
  const char *expects[kMaxFiles];
  int num_expects;
  unsigned long long seed;
  double rtol, atol;
  const char *save_dir;
  int bench, times, threads, info, profile;
} options;

typedef struct api {
  const lwcc_model_info *(*get_model_info)(void);
  lwcc_status (*context_create)(lwcc_context **);
  void (*context_destroy)(lwcc_context *);
  lwcc_status (*set_num_threads)(lwcc_context *, int32_t);
  lwcc_status (*run)(lwcc_context *, const void *const *, const uint64_t *, void *const *,
                     const uint64_t *);
  const char *(*context_error)(const lwcc_context *);
  /* Optional: libraries compiled before profiles existed lack them. */
  uint32_t (*profile_size)(void);
  lwcc_status (*profile_get)(const lwcc_context *, uint32_t, lwcc_profile_entry *);
  void (*profile_reset)(lwcc_context *);
} api;

static int usage(void) {
  fprintf(stderr,
          "usage: lwcc-run model.so [--input FILE]... [--seed N] [--expect FILE]...\n"
          "                [--rtol R] [--atol A] [--save DIR] [--bench N] [--threads T]\n"
          "                [--times] [--profile]\n"
          "                [--info]\n");
  return 1;
}

static int parse_args(int argc, char **argv, options *o) {
  memset(o, 0, sizeof(*o));
  o->rtol = 1e-3;
  o->atol = 1e-4;
  o->threads = 0;
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : 0;
#define TAKE(flag) (!strcmp(a, flag) && v && ++i)
    if (TAKE("--input")) {
      if (o->num_inputs == kMaxFiles) return 0;
      o->inputs[o->num_inputs++] = v;
    } else if (TAKE("--expect")) {
      if (o->num_expects == kMaxFiles) return 0;
      o->expects[o->num_expects++] = v;
    } else if (TAKE("--seed")) o->seed = strtoull(v, 0, 10);
    else if (TAKE("--rtol")) o->rtol = atof(v);
    else if (TAKE("--atol")) o->atol = atof(v);
    else if (TAKE("--save")) o->save_dir = v;
    else if (TAKE("--bench")) o->bench = atoi(v);
    else if (TAKE("--threads")) o->threads = atoi(v);
    else if (!strcmp(a, "--info")) o->info = 1;
    else if (!strcmp(a, "--times")) o->times = 1;
    else if (!strcmp(a, "--profile")) o->profile = 1;
    else if (a[0] != '-' && !o->library) o->library = a;
    else {
      fprintf(stderr, "lwcc-run: unknown or incomplete argument '%s'\n", a);
      return 0;
    }
#undef TAKE
  }
  return o->library != 0;
}

static int load_api(const char *path, api *out) {
  /* dlopen searches the library path for a bare name; a file was meant. */
  char local[4096];
  if (!strchr(path, '/')) {
    snprintf(local, sizeof(local), "./%s", path);
    path = local;
  }
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    fprintf(stderr, "lwcc-run: error: %s\n", dlerror());
    return 0;
  }
#define SYM(field, name)                                                                    \
  *(void **)&out->field = dlsym(handle, name);                                              \
  if (!out->field) {                                                                        \
    fprintf(stderr, "lwcc-run: error: %s does not export %s\n", path, name);                \
    return 0;                                                                               \
  }
  SYM(get_model_info, "lwcc_get_model_info");
  SYM(context_create, "lwcc_context_create");
  SYM(context_destroy, "lwcc_context_destroy");
  SYM(set_num_threads, "lwcc_set_num_threads");
  SYM(run, "lwcc_run");
  SYM(context_error, "lwcc_context_error");
#undef SYM
  *(void **)&out->profile_size = dlsym(handle, "lwcc_profile_size");
  *(void **)&out->profile_get = dlsym(handle, "lwcc_profile_get");
  *(void **)&out->profile_reset = dlsym(handle, "lwcc_profile_reset");
  return 1;
}

static void print_shape(FILE *f, int32_t rank, const int64_t *shape) {
  fputc('[', f);
  for (int32_t i = 0; i < rank; ++i)
    fprintf(f, "%s%lld", i ? "," : "", (long long)shape[i]);
  fputc(']', f);
}

static void print_info(const lwcc_model_info *info) {
  printf("model '%s' for %s: %u input(s), %u output(s), arena %llu bytes, weights %llu bytes\n",
         info->model_name, info->target, info->num_inputs, info->num_outputs,
         (unsigned long long)info->arena_bytes, (unsigned long long)info->weight_bytes);
  for (uint32_t i = 0; i < info->num_inputs + info->num_outputs; ++i) {
    int is_input = i < info->num_inputs;
    const lwcc_tensor_info *t = is_input ? &info->inputs[i] : &info->outputs[i - info->num_inputs];
    printf("  %s '%s': %s", is_input ? "input " : "output", t->name, dtype_name(t->dtype));
    print_shape(stdout, t->rank, t->shape);
    printf("\n");
  }
}

/* xorshift64*: reproducible inputs across hosts and targets. */
static uint64_t next_random(uint64_t *state) {
  *state ^= *state >> 12;
  *state ^= *state << 25;
  *state ^= *state >> 27;
  return *state * 2685821657736338717ull;
}

static void fill_random(const lwcc_tensor_info *t, void *data, uint64_t *state) {
  uint64_t count = t->bytes / dtype_size(t->dtype);
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t r = next_random(state);
    switch (t->dtype) {
    case LWCC_FLOAT32:
      ((float *)data)[i] = (float)((double)(r >> 11) / 9007199254740992.0 * 2.0 - 1.0);
      break;
    case LWCC_INT64: ((int64_t *)data)[i] = (int64_t)(r % 8); break;
    case LWCC_INT32: ((int32_t *)data)[i] = (int32_t)(r % 8); break;
    case LWCC_BOOL: ((uint8_t *)data)[i] = (uint8_t)(r & 1); break;
    default: ((uint8_t *)data)[i] = (uint8_t)r; break;
    }
  }
}

/* IEEE half to double (normals, subnormals, inf, nan). */
static double half_to_double(uint16_t h) {
  int exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  double sign = (h & 0x8000) ? -1.0 : 1.0;
  if (exponent == 0)
    return sign * ldexp(mantissa, -24);
  if (exponent == 31)
    return mantissa ? NAN : sign * INFINITY;
  return sign * ldexp(mantissa + 1024, exponent - 25);
}

static double element(const void *data, int32_t dtype, uint64_t i) {
  switch (dtype) {
  case 10: return half_to_double(((const uint16_t *)data)[i]);
  case 16: {
    uint32_t bits = (uint32_t)((const uint16_t *)data)[i] << 16;
    float f;
    memcpy(&f, &bits, 4);
    return f;
  }
  case 1: return ((const float *)data)[i];
  case 2: return ((const uint8_t *)data)[i];
  case 3: return ((const int8_t *)data)[i];
  case 6: return ((const int32_t *)data)[i];
  case 7: return (double)((const int64_t *)data)[i];
  case 9: return ((const uint8_t *)data)[i];
  case 11: return ((const double *)data)[i];
  default: return NAN;
  }
}

static void summarise(const lwcc_tensor_info *t, const void *data) {
  uint64_t count = t->bytes / dtype_size(t->dtype), argmax = 0;
  double lo = INFINITY, hi = -INFINITY, sum = 0;
  for (uint64_t i = 0; i < count; ++i) {
    double x = element(data, t->dtype, i);
    if (x > hi) {
      hi = x;
      argmax = i;
    }
    if (x < lo) lo = x;
    sum += x;
  }
  printf("output '%s' %s", t->name, dtype_name(t->dtype));
  print_shape(stdout, t->rank, t->shape);
  printf(": min %.6g max %.6g mean %.6g argmax %llu\n", lo, hi, count ? sum / count : 0.0,
         (unsigned long long)argmax);
}

/* Compares an output with its reference; prints one line; 1 if it matches. */
static int compare(const lwcc_tensor_info *t, const void *got, const tensor *want,
                   const options *o) {
  uint64_t count = t->bytes / dtype_size(t->dtype);
  uint64_t want_count = want->bytes / (dtype_size(want->dtype) ? dtype_size(want->dtype) : 1);
  if (want_count != count) {
    printf("output '%s': reference has %llu elements, output has %llu: MISMATCH\n", t->name,
           (unsigned long long)want_count, (unsigned long long)count);
    return 0;
  }
  double worst = 0, worst_excess = -1;
  uint64_t bad = 0, worst_at = 0;
  for (uint64_t i = 0; i < count; ++i) {
    double g = element(got, t->dtype, i), w = element(want->data, want->dtype, i);
    double diff = fabs(g - w);
    int both_nan = isnan(g) && isnan(w);
    int same_inf = isinf(g) && isinf(w) && (g > 0) == (w > 0);
    if (both_nan || same_inf)
      continue;
    double excess = diff - (o->atol + o->rtol * fabs(w));
    if (diff > worst || isnan(diff))
      worst = diff;
    if (excess > 0 || isnan(diff)) {
      ++bad;
      if (excess > worst_excess || isnan(diff)) {
        worst_excess = excess;
        worst_at = i;
      }
    }
  }
  printf("output '%s': max abs diff %.3g (rtol %g, atol %g): %s", t->name, worst, o->rtol,
         o->atol, bad ? "MISMATCH" : "ok");
  if (bad)
    printf(", %llu of %llu elements off, e.g. [%llu] got %.7g want %.7g",
           (unsigned long long)bad, (unsigned long long)count, (unsigned long long)worst_at,
           element(got, t->dtype, worst_at), element(want->data, want->dtype, worst_at));
  printf("\n");
  return bad == 0;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int by_time(const void *a, const void *b) {
  uint64_t x = ((const lwcc_profile_entry *)a)->nanoseconds,
           y = ((const lwcc_profile_entry *)b)->nanoseconds;
  return x < y ? 1 : x > y ? -1 : 0;
}

/* One row per kernel, slowest first, then the time and rate per kind. */
static int print_profile(const api *lib, lwcc_context *ctx) {
  uint32_t n = lib->profile_size ? lib->profile_size() : 0;
  if (!n) {
    fprintf(stderr, "lwcc-run: error: the library was not compiled with lwcc --profile\n");
    return 0;
  }
  lwcc_profile_entry *entries = calloc(n, sizeof(lwcc_profile_entry));
  double total = 0;
  for (uint32_t i = 0; i < n; ++i) {
    lib->profile_get(ctx, i, &entries[i]);
    total += (double)entries[i].nanoseconds;
  }
  qsort(entries, n, sizeof(lwcc_profile_entry), by_time);
  uint64_t calls = entries[0].calls ? entries[0].calls : 1;
  printf("profile: %u entries, %.3f ms per run (%llu runs)\n", n, total / 1e6 / (double)calls,
         (unsigned long long)calls);
  printf("%10s %6s %8s  %-12s %s\n", "ms/run", "%", "GFLOP/s", "kind", "node and kernel");
  for (uint32_t i = 0; i < n; ++i) {
    const lwcc_profile_entry *e = &entries[i];
    double ms = (double)e->nanoseconds / 1e6 / (double)calls;
    double rate = e->nanoseconds ? (double)e->flops * (double)calls / (double)e->nanoseconds : 0;
    printf("%10.4f %6.2f %8.1f  %-12s %s\n", ms, 100.0 * (double)e->nanoseconds / total, rate,
           e->kind, e->name);
  }
  /* Totals per kind, in order of first appearance above. */
  printf("by kind:\n");
  for (uint32_t i = 0; i < n; ++i) {
    int seen = 0;
    for (uint32_t j = 0; j < i && !seen; ++j)
      seen = !strcmp(entries[j].kind, entries[i].kind);
    if (seen)
      continue;
    double ns = 0, flops = 0;
    for (uint32_t j = i; j < n; ++j)
      if (!strcmp(entries[j].kind, entries[i].kind)) {
        ns += (double)entries[j].nanoseconds;
        flops += (double)entries[j].flops * (double)calls;
      }
    printf("%10.4f %6.2f %8.1f  %s\n", ns / 1e6 / (double)calls, 100.0 * ns / total,
           ns > 0 ? flops / ns : 0.0, entries[i].kind);
  }
  free(entries);
  return 1;
}

int main(int argc, char **argv) {
  options o;
  if (!parse_args(argc, argv, &o))
    return usage();
  api lib;
  if (!load_api(o.library, &lib))
    return 1;
  const lwcc_model_info *info = lib.get_model_info();
  if (info->abi_version != LWCC_ABI_VERSION) {
    fprintf(stderr, "lwcc-run: error: library ABI %u, lwcc-run ABI %d\n", info->abi_version,
            LWCC_ABI_VERSION);
    return 1;
  }
  if (o.info)
    print_info(info);
  if (o.num_inputs && o.num_inputs != (int)info->num_inputs) {
    fprintf(stderr, "lwcc-run: error: %d --input file(s) for %u model input(s)\n",
            o.num_inputs, info->num_inputs);
    return 1;
  }
  if (o.num_expects && o.num_expects != (int)info->num_outputs) {
    fprintf(stderr, "lwcc-run: error: %d --expect file(s) for %u model output(s)\n",
            o.num_expects, info->num_outputs);
    return 1;
  }

  char error[512];
  const void *inputs[kMaxFiles];
  uint64_t input_bytes[kMaxFiles], output_bytes[kMaxFiles];
  void *outputs[kMaxFiles];
  tensor loaded[kMaxFiles];
  uint64_t state = o.seed * 0x9E3779B97F4A7C15ull + 0x1234567ull;
  if (info->num_inputs > kMaxFiles || info->num_outputs > kMaxFiles) {
    fprintf(stderr, "lwcc-run: error: too many inputs or outputs\n");
    return 1;
  }
  for (uint32_t i = 0; i < info->num_inputs; ++i) {
    const lwcc_tensor_info *t = &info->inputs[i];
    if (o.num_inputs) {
      if (!tensor_load(o.inputs[i], &loaded[i], error, sizeof(error))) {
        fprintf(stderr, "lwcc-run: error: %s\n", error);
        return 1;
      }
      if (loaded[i].dtype != t->dtype) {
        fprintf(stderr, "lwcc-run: error: %s is %s, input '%s' is %s\n", o.inputs[i],
                dtype_name(loaded[i].dtype), t->name, dtype_name(t->dtype));
        return 1;
      }
      inputs[i] = loaded[i].data;
      input_bytes[i] = loaded[i].bytes;
    } else {
      void *data = malloc(t->bytes ? t->bytes : 1);
      fill_random(t, data, &state);
      inputs[i] = data;
      input_bytes[i] = t->bytes;
    }
  }
  for (uint32_t i = 0; i < info->num_outputs; ++i) {
    outputs[i] = calloc(info->outputs[i].bytes ? info->outputs[i].bytes : 1, 1);
    output_bytes[i] = info->outputs[i].bytes;
  }

  lwcc_context *ctx;
  if (lib.context_create(&ctx) != LWCC_OK) {
    fprintf(stderr, "lwcc-run: error: cannot create a context\n");
    return 1;
  }
  if (o.threads && lib.set_num_threads(ctx, o.threads) != LWCC_OK) {
    fprintf(stderr, "lwcc-run: error: %s\n", lib.context_error(ctx));
    return 1;
  }
  if (lib.run(ctx, inputs, input_bytes, outputs, output_bytes) != LWCC_OK) {
    fprintf(stderr, "lwcc-run: error: %s\n", lib.context_error(ctx));
    return 1;
  }

  int ok = 1;
  for (uint32_t i = 0; i < info->num_outputs; ++i) {
    const lwcc_tensor_info *t = &info->outputs[i];
    summarise(t, outputs[i]);
    if (o.num_expects) {
      tensor want;
      if (!tensor_load(o.expects[i], &want, error, sizeof(error))) {
        fprintf(stderr, "lwcc-run: error: %s\n", error);
        return 1;
      }
      ok &= compare(t, outputs[i], &want, &o);
      tensor_free(&want);
    }
    if (o.save_dir) {
      tensor out = {t->dtype, t->rank, {0}, t->bytes, outputs[i]};
      memcpy(out.shape, t->shape, sizeof(int64_t) * (size_t)t->rank);
      char path[1024];
      snprintf(path, sizeof(path), "%s/%s.npy", o.save_dir, t->name);
      for (char *p = path + strlen(o.save_dir) + 1; *p; ++p)
        if (*p == '/')
          *p = '_';
      if (!tensor_save_npy(path, &out, error, sizeof(error))) {
        fprintf(stderr, "lwcc-run: error: %s\n", error);
        return 1;
      }
    }
  }

  if (o.bench > 0) {
    double *times = malloc(sizeof(double) * (size_t)o.bench);
    for (int warm = 0; warm < 3; ++warm)
      lib.run(ctx, inputs, input_bytes, outputs, output_bytes);
    if (o.profile && lib.profile_reset) /* only the timed runs count */
      lib.profile_reset(ctx);
    for (int i = 0; i < o.bench; ++i) {
      double start = now_ms();
      lib.run(ctx, inputs, input_bytes, outputs, output_bytes);
      times[i] = now_ms() - start;
    }
    qsort(times, (size_t)o.bench, sizeof(double), by_value);
    printf("bench: %d runs, min %.3f ms, median %.3f ms\n", o.bench, times[0],
           times[o.bench / 2]);
    if (o.times) { /* every run, for a benchmark pooling several processes */
      printf("times:");
      for (int i = 0; i < o.bench; ++i)
        printf(" %.4f", times[i]);
      printf("\n");
    }
    free(times);
  }
  if (o.profile && !print_profile(&lib, ctx))
    return 1;
  lib.context_destroy(ctx);
  return ok ? 0 : 1;
}
