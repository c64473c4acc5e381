//===- ModelHeader.h - the per-model C header -------------------*- C++ -*-===//
//
// model.h: the library's C ABI plus this model's names, shapes and sizes.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_LIB_DRIVER_MODELHEADER_H
#define LWCC_LIB_DRIVER_MODELHEADER_H

#include "lwcc/Backend/CPU/Codegen.h"

#include <string>

namespace lwcc {

std::string generateModelHeader(const cpu::ModelSignature &signature, const std::string &arch,
                                uint64_t arenaBytes, uint64_t weightBytes);

} // namespace lwcc

#endif // LWCC_LIB_DRIVER_MODELHEADER_H
