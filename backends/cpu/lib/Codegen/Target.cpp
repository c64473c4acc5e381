//===- Target.cpp - target names, CPUs and the target's libc --------------===//
//
// Maps lwcc's -target/-mcpu to LLVM triples, CPUs and features. The host
// target gets the host CPU's features; a named target gets a portable
// baseline (x86-64-v3: AVX2+FMA; aarch64: NEON) unless -mcpu says otherwise.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Backend/CPU/Codegen.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace llvm;

namespace lwcc::cpu {

static std::string hostFeatures() {
  std::string features;
  for (const auto &feature : sys::getHostCPUFeatures())
    features += (features.empty() ? "" : ",") + std::string(feature.getValue() ? "+" : "-") +
                feature.getKey().str();
  return features;
}

Expected<TargetOptions> resolveTarget(StringRef name, StringRef cpu, int optLevel) {
  TargetOptions target;
  target.optLevel = optLevel;
  Triple host(sys::getProcessTriple());
  std::string arch = name.str();
  if (name == "host") {
    if (host.getArch() == Triple::x86_64)
      arch = "x86_64";
    else if (host.getArch() == Triple::aarch64)
      arch = "aarch64";
    else
      return createStringError("the host (" + host.str() +
                               ") is not a target lwcc supports; use -target=x86_64 or "
                               "-target=aarch64");
  }
  bool native = cpu == "native" || (name == "host" && cpu.empty());
  if (arch == "x86_64") {
    target.arch = "x86_64";
    target.triple = "x86_64-unknown-linux-gnu";
    target.cpu = cpu.empty() ? "x86-64-v3" : cpu.str();
    target.libcPath = "/lib/x86_64-linux-gnu/libc.so.6";
  } else if (arch == "aarch64") {
    target.arch = "aarch64";
    target.triple = "aarch64-unknown-linux-gnu";
    target.cpu = cpu.empty() ? "generic" : cpu.str();
    target.features = "+neon";
    target.libcPath = "/usr/aarch64-linux-gnu/lib/libc.so.6";
  } else {
    return createStringError("unknown target '" + name +
                             "' (expected host, x86_64 or aarch64)");
  }
  if (native) {
    if ((target.arch == "x86_64") != (host.getArch() == Triple::x86_64))
      return createStringError("-mcpu=native needs the host's architecture");
    target.cpu = sys::getHostCPUName().str();
    target.features = hostFeatures();
    if (target.arch == "aarch64")
      target.libcPath = "/lib/aarch64-linux-gnu/libc.so.6";
  }
  if (!sys::fs::exists(target.libcPath))
    target.libcPath.clear();
  return target;
}

} // namespace lwcc::cpu
