/*===- tensor_io.c - .npy and ONNX TensorProto files for lwcc-run ---------===*
 *
 * .npy: version 1-3 headers, little-endian, C order. TensorProto: the
 * protobuf wire format read by hand (dims, data_type, raw_data and the
 * typed repeated fields), so lwcc-run needs no protobuf library.
 *
 *===----------------------------------------------------------------------===*/

#include "tensor_io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t dtype_size(int32_t dtype) {
  switch (dtype) {
  case 1: case 6: case 12: return 4;  /* float, int32, uint32 */
  case 2: case 3: case 9: return 1;   /* uint8, int8, bool */
  case 4: case 5: case 10: case 16: return 2;
  case 7: case 11: case 13: return 8; /* int64, double, uint64 */
  default: return 0;
  }
}

const char *dtype_name(int32_t dtype) {
  switch (dtype) {
  case 1: return "float32";
  case 2: return "uint8";
  case 3: return "int8";
  case 6: return "int32";
  case 7: return "int64";
  case 9: return "bool";
  case 10: return "float16";
  case 11: return "float64";
  case 16: return "bfloat16";
  default: return "unsupported";
  }
}

static int fail(char *error, size_t size, const char *path, const char *what) {
  snprintf(error, size, "%s: %s", path, what);
  return 0;
}

static unsigned char *read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return 0;
  unsigned char *data = 0;
  size_t capacity = 0, used = 0;
  for (;;) {
    if (used == capacity) {
      capacity = capacity ? capacity * 2 : 1 << 16;
      unsigned char *grown = realloc(data, capacity);
      if (!grown) {
        free(data);
        fclose(f);
        return 0;
      }
      data = grown;
    }
    size_t n = fread(data + used, 1, capacity - used, f);
    used += n;
    if (n == 0)
      break;
  }
  fclose(f);
  *size = used;
  return data;
}

static uint64_t element_count(const tensor *t) {
  uint64_t n = 1;
  for (int i = 0; i < t->rank; ++i)
    n *= (uint64_t)t->shape[i];
  return n;
}

/* --- .npy ------------------------------------------------------------- */

static int npy_dtype(const char *descr) {
  if (!strcmp(descr, "<f4")) return 1;
  if (!strcmp(descr, "|u1")) return 2;
  if (!strcmp(descr, "|i1")) return 3;
  if (!strcmp(descr, "<i4")) return 6;
  if (!strcmp(descr, "<i8")) return 7;
  if (!strcmp(descr, "|b1")) return 9;
  if (!strcmp(descr, "<f8")) return 11;
  return 0;
}

static const char *npy_descr(int32_t dtype) {
  switch (dtype) {
  case 1: return "<f4";
  case 2: return "|u1";
  case 3: return "|i1";
  case 6: return "<i4";
  case 7: return "<i8";
  case 9: return "|b1";
  case 11: return "<f8";
  default: return 0;
  }
}

static int load_npy(const char *path, unsigned char *file, size_t size, tensor *out,
                    char *error, size_t esize) {
  if (size < 10 || memcmp(file, "\x93NUMPY", 6))
    return fail(error, esize, path, "not a .npy file");
  size_t header_len, header_start;
  if (file[6] == 1) {
    header_len = file[8] | (file[9] << 8);
    header_start = 10;
  } else {
    if (size < 12)
      return fail(error, esize, path, "truncated .npy header");
    header_len = file[8] | (file[9] << 8) | ((size_t)file[10] << 16) | ((size_t)file[11] << 24);
    header_start = 12;
  }
  if (header_start + header_len > size)
    return fail(error, esize, path, "truncated .npy header");
  char header[4096];
  size_t n = header_len < sizeof(header) - 1 ? header_len : sizeof(header) - 1;
  memcpy(header, file + header_start, n);
  header[n] = 0;
  char descr[16] = {0};
  const char *d = strstr(header, "'descr':");
  if (!d || sscanf(d, "'descr': '%15[^']'", descr) != 1)
    return fail(error, esize, path, "no dtype in .npy header");
  out->dtype = npy_dtype(descr);
  if (!out->dtype)
    return fail(error, esize, path, "unsupported .npy dtype");
  if (strstr(header, "'fortran_order': True"))
    return fail(error, esize, path, "Fortran-order .npy is not supported");
  const char *s = strstr(header, "'shape':");
  s = s ? strchr(s, '(') : 0;
  if (!s)
    return fail(error, esize, path, "no shape in .npy header");
  out->rank = 0;
  for (++s; *s && *s != ')';) {
    while (*s == ' ' || *s == ',')
      ++s;
    if (*s == ')')
      break;
    if (out->rank == kMaxRank)
      return fail(error, esize, path, "rank too large");
    out->shape[out->rank++] = strtoll(s, (char **)&s, 10);
  }
  out->bytes = element_count(out) * dtype_size(out->dtype);
  size_t data_start = header_start + header_len;
  if (data_start + out->bytes > size)
    return fail(error, esize, path, "truncated .npy data");
  out->data = malloc(out->bytes ? out->bytes : 1);
  memcpy(out->data, file + data_start, out->bytes);
  return 1;
}

int tensor_save_npy(const char *path, const tensor *t, char *error, size_t esize) {
  const char *descr = npy_descr(t->dtype);
  if (!descr)
    return fail(error, esize, path, "cannot save this dtype as .npy");
  char shape[256] = "";
  size_t used = 0;
  for (int i = 0; i < t->rank; ++i)
    used += snprintf(shape + used, sizeof(shape) - used, "%lld,%s", (long long)t->shape[i],
                     i + 1 < t->rank ? " " : "");
  if (t->rank > 1)
    shape[used - 1] = 0; /* "(2, 3)" not "(2, 3,)" */
  char header[512];
  int len = snprintf(header, sizeof(header),
                     "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, shape);
  int total = 10 + len + 1;
  int pad = (64 - total % 64) % 64;
  FILE *f = fopen(path, "wb");
  if (!f)
    return fail(error, esize, path, "cannot write");
  unsigned short hlen = (unsigned short)(len + pad + 1);
  fwrite("\x93NUMPY\x01\x00", 1, 8, f);
  fputc(hlen & 0xff, f);
  fputc(hlen >> 8, f);
  fwrite(header, 1, len, f);
  for (int i = 0; i < pad; ++i)
    fputc(' ', f);
  fputc('\n', f);
  fwrite(t->data, 1, t->bytes, f);
  if (fclose(f))
    return fail(error, esize, path, "cannot write");
  return 1;
}

/* --- TensorProto ------------------------------------------------------ */

typedef struct reader {
  const unsigned char *p, *end;
  int ok;
} reader;

static uint64_t varint(reader *r) {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (r->p >= r->end) {
      r->ok = 0;
      return 0;
    }
    unsigned char byte = *r->p++;
    value |= (uint64_t)(byte & 0x7f) << shift;
    if (!(byte & 0x80))
      return value;
  }
  r->ok = 0;
  return 0;
}

/* Appends `size` bytes to a growing buffer. */
static void append(unsigned char **buf, size_t *used, size_t *cap, const void *src, size_t size) {
  if (*used + size > *cap) {
    *cap = (*used + size) * 2;
    *buf = realloc(*buf, *cap);
  }
  memcpy(*buf + *used, src, size);
  *used += size;
}

static int load_pb(const char *path, unsigned char *file, size_t size, tensor *out, char *error,
                   size_t esize) {
  reader r = {file, file + size, 1};
  unsigned char *typed = 0;
  size_t typed_used = 0, typed_cap = 0;
  const unsigned char *raw = 0;
  size_t raw_size = 0;
  out->rank = 0;
  out->dtype = 0;
  while (r.ok && r.p < r.end) {
    uint64_t key = varint(&r);
    int field = (int)(key >> 3), wire = (int)(key & 7);
    if (wire == 0) {
      uint64_t v = varint(&r);
      if (field == 1 && out->rank < kMaxRank)
        out->shape[out->rank++] = (int64_t)v;
      else if (field == 2)
        out->dtype = (int32_t)v;
      else if (field == 5 || field == 7) { /* int32_data / int64_data, unpacked */
        int64_t x = (int64_t)v;
        append(&typed, &typed_used, &typed_cap, &x, 8);
      }
    } else if (wire == 2) {
      uint64_t len = varint(&r);
      if (!r.ok || len > (uint64_t)(r.end - r.p)) {
        r.ok = 0;
        break;
      }
      const unsigned char *payload = r.p;
      r.p += len;
      if (field == 1) { /* packed dims */
        reader sub = {payload, payload + len, 1};
        while (sub.ok && sub.p < sub.end && out->rank < kMaxRank)
          out->shape[out->rank++] = (int64_t)varint(&sub);
      } else if (field == 9) {
        raw = payload;
        raw_size = len;
      } else if (field == 4) { /* packed float_data */
        append(&typed, &typed_used, &typed_cap, payload, len);
      } else if (field == 5 || field == 7) { /* packed int32/int64 varints */
        reader sub = {payload, payload + len, 1};
        while (sub.ok && sub.p < sub.end) {
          int64_t x = (int64_t)varint(&sub);
          append(&typed, &typed_used, &typed_cap, &x, 8);
        }
      }
    } else if (wire == 5) {
      if (r.end - r.p < 4) {
        r.ok = 0;
        break;
      }
      if (field == 4)
        append(&typed, &typed_used, &typed_cap, r.p, 4);
      r.p += 4;
    } else if (wire == 1) {
      r.p += 8;
    } else {
      r.ok = 0;
    }
  }
  if (!r.ok || r.p > r.end) {
    free(typed);
    return fail(error, esize, path, "malformed TensorProto");
  }
  size_t elem = dtype_size(out->dtype);
  if (!elem) {
    free(typed);
    return fail(error, esize, path, "unsupported TensorProto data type");
  }
  uint64_t count = element_count(out);
  out->bytes = count * elem;
  out->data = calloc(out->bytes ? out->bytes : 1, 1);
  if (raw) {
    if (raw_size != out->bytes) {
      free(typed);
      return fail(error, esize, path, "raw_data size does not match the shape");
    }
    memcpy(out->data, raw, raw_size);
  } else if (out->dtype == 1) {
    if (typed_used != out->bytes) {
      free(typed);
      return fail(error, esize, path, "float_data size does not match the shape");
    }
    memcpy(out->data, typed, typed_used);
  } else {
    /* Integer fields were widened to int64 above; narrow to the dtype. */
    if (typed_used != count * 8) {
      free(typed);
      return fail(error, esize, path, "integer data size does not match the shape");
    }
    for (uint64_t i = 0; i < count; ++i) {
      int64_t x;
      memcpy(&x, typed + i * 8, 8);
      memcpy((unsigned char *)out->data + i * elem, &x, elem); /* little-endian */
    }
  }
  free(typed);
  return 1;
}

int tensor_load(const char *path, tensor *out, char *error, size_t esize) {
  memset(out, 0, sizeof(*out));
  size_t size;
  unsigned char *file = read_file(path, &size);
  if (!file)
    return fail(error, esize, path, "cannot read");
  size_t len = strlen(path);
  int ok = len > 4 && !strcmp(path + len - 4, ".npy")
               ? load_npy(path, file, size, out, error, esize)
               : load_pb(path, file, size, out, error, esize);
  free(file);
  return ok;
}

void tensor_free(tensor *t) {
  free(t->data);
  t->data = 0;
}
