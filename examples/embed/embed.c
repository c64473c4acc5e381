/* Embeds lwcc: compiles an ONNX model held in memory into a shared library
 * (diagnostics come back in the result), writes it, loads it and runs it on
 * a zero input.
 *
 *   embed model.onnx out.so [name:d0,d1,... input shape] */
#include <lwcc/lwcc.h>
#include <lwcc/runtime.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

static char *read_all(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  *size = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  char *data = malloc(*size ? *size : 1);
  if (fread(data, 1, *size, f) != *size) {
    free(data);
    data = NULL;
  }
  fclose(f);
  return data;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: embed model.onnx out.so [input-shape]\n");
    return 1;
  }
  size_t size;
  char *model = read_all(argv[1], &size);
  if (!model) {
    fprintf(stderr, "embed: cannot read %s\n", argv[1]);
    return 1;
  }
  lwcc_compile_options options;
  lwcc_compile_options_init(&options);
  const char *shapes[] = {argc > 3 ? argv[3] : NULL, NULL};
  options.input_shapes = shapes;
  options.model_name = "embedded";
  lwcc_compile_result *result =
      lwcc_compile_buffer(model, size, /*is_text=*/0, argv[1], NULL, &options);
  free(model);
  if (!lwcc_result_ok(result) || lwcc_result_write(result, argv[2]) != 0) {
    fprintf(stderr, "embed: compile failed:\n%s", lwcc_result_diagnostics(result));
    lwcc_result_free(result);
    return 1;
  }
  size_t bytes;
  lwcc_result_data(result, &bytes);
  printf("embed: compiled %s into %zu bytes\n", argv[1], bytes);
  lwcc_result_free(result);

  void *lib = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    fprintf(stderr, "embed: %s\n", dlerror());
    return 1;
  }
  const lwcc_model_info *(*info_fn)(void) = (const lwcc_model_info *(*)(void))dlsym(lib, "lwcc_get_model_info");
  lwcc_status (*create)(lwcc_context **) = (lwcc_status(*)(lwcc_context **))dlsym(lib, "lwcc_context_create");
  lwcc_status (*run)(lwcc_context *, const void *const *, const uint64_t *, void *const *,
                     const uint64_t *) =
      (lwcc_status(*)(lwcc_context *, const void *const *, const uint64_t *, void *const *,
                      const uint64_t *))dlsym(lib, "lwcc_run");
  void (*destroy)(lwcc_context *) = (void (*)(lwcc_context *))dlsym(lib, "lwcc_context_destroy");
  const lwcc_model_info *info = info_fn();
  const void *inputs[1] = {calloc(1, info->inputs[0].bytes)};
  void *outputs[1] = {calloc(1, info->outputs[0].bytes)};
  uint64_t in_bytes[1] = {info->inputs[0].bytes}, out_bytes[1] = {info->outputs[0].bytes};
  lwcc_context *ctx;
  if (create(&ctx) != LWCC_OK || run(ctx, inputs, in_bytes, outputs, out_bytes) != LWCC_OK) {
    fprintf(stderr, "embed: run failed\n");
    return 1;
  }
  destroy(ctx);
  printf("embed: ran model '%s': %llu output bytes\n", info->model_name,
         (unsigned long long)out_bytes[0]);
  return 0;
}
