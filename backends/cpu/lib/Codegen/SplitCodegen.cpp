//===- SplitCodegen.cpp - optimising and emitting a library on threads ----===//
//
// LLVM's IR pipeline and code generation take most of a compile (10 of
// efficientnet_b0's 16 s on one core) and run one function at a time. The
// parallel tasks lwcc-cpu-outline-parallel makes hold nearly all the code
// and are reached only through a pointer their dispatch hands the runtime,
// so a task (with the trampoline that calls it) can be optimised and emitted
// apart from the rest without losing an inlining or an interprocedural fact.
//
// The module is cut by direct calls into clusters; the one holding the model
// entry keeps the weights, the runtime and the other globals, and the
// clusters are shared out by instruction count. Every other part is a clone
// with only its own definitions (declarations for the rest, weights
// included), written as bitcode and read into a context of its own, since
// one LLVMContext is not to be used from two threads. Symbols a part reads
// from another become hidden externals: the linker resolves them and the
// library still exports only the C API.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Backend/CPU/Codegen.h"

#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Transforms/Utils/Cloning.h"

#include <thread>

using namespace llvm;

namespace lwcc::cpu {
namespace {

/// The functions and globals an instruction or constant refers to.
void collectReferences(const Value *value,
                       SmallPtrSetImpl<const GlobalValue *> &seen,
                       SmallPtrSetImpl<const Constant *> &visited) {
  if (auto *global = dyn_cast<GlobalValue>(value)) {
    seen.insert(global);
    return;
  }
  auto *constant = dyn_cast<Constant>(value);
  if (!constant || isa<ConstantData>(constant) ||
      !visited.insert(constant).second)
    return;
  for (const Use &operand : constant->operands())
    collectReferences(operand.get(), seen, visited);
}

/// The functions and globals `fn`'s instructions (or `global`'s
/// initializer) refer to.
SmallPtrSet<const GlobalValue *, 8> referencesOf(const GlobalObject &object) {
  SmallPtrSet<const GlobalValue *, 8> seen;
  SmallPtrSet<const Constant *, 8> visited;
  if (auto *fn = dyn_cast<Function>(&object)) {
    for (const Instruction &inst : instructions(*fn))
      for (const Use &operand : inst.operands())
        collectReferences(operand.get(), seen, visited);
  } else if (auto *global = dyn_cast<GlobalVariable>(&object)) {
    if (global->hasInitializer())
      collectReferences(global->getInitializer(), seen, visited);
  }
  return seen;
}

/// Which part each function definition goes to: 0 for the entry's cluster
/// (and every global variable), the others balanced by instruction count.
DenseMap<const Function *, unsigned> partition(Module &module, unsigned parts,
                                               StringRef entry) {
  EquivalenceClasses<const Function *> clusters;
  for (Function &fn : module) {
    if (fn.isDeclaration())
      continue;
    clusters.insert(&fn);
    for (const Instruction &inst : instructions(fn))
      if (auto *call = dyn_cast<CallBase>(&inst))
        if (const Function *callee = call->getCalledFunction())
          if (!callee->isDeclaration())
            clusters.unionSets(&fn, callee);
  }
  const Function *entryFn = module.getFunction(entry);
  DenseMap<const Function *, size_t> sizes;
  for (Function &fn : module)
    if (!fn.isDeclaration())
      sizes[clusters.getLeaderValue(&fn)] += fn.getInstructionCount();
  SmallVector<std::pair<size_t, const Function *>> order;
  for (auto [leader, size] : sizes)
    order.push_back({size, leader});
  llvm::sort(order, [](auto a, auto b) {
    return a.first != b.first ? a.first > b.first
                              : a.second->getName() < b.second->getName();
  });
  SmallVector<size_t> load(parts, 0);
  DenseMap<const Function *, unsigned> partOfLeader;
  const Function *entryLeader =
      entryFn ? clusters.getLeaderValue(entryFn) : nullptr;
  if (entryLeader) {
    partOfLeader[entryLeader] = 0;
    load[0] = sizes[entryLeader];
  }
  for (auto [size, leader] : order) {
    if (leader == entryLeader)
      continue;
    unsigned lightest =
        std::min_element(load.begin(), load.end()) - load.begin();
    partOfLeader[leader] = lightest;
    load[lightest] += size;
  }
  DenseMap<const Function *, unsigned> part;
  for (Function &fn : module)
    if (!fn.isDeclaration())
      part[&fn] = partOfLeader[clusters.getLeaderValue(&fn)];
  return part;
}

/// Makes a local symbol linkable from another object, yet not exported.
void externalise(GlobalValue *global) {
  if (!global->hasLocalLinkage())
    return;
  if (!global->hasName())
    global->setName("lwcc_internal_split");
  global->setLinkage(GlobalValue::ExternalLinkage);
  global->setVisibility(GlobalValue::HiddenVisibility);
}

Expected<std::string> optimiseAndEmit(Module &module,
                                      const TargetOptions &target) {
  if (Error error = optimiseModule(module, target))
    return std::move(error);
  return emitMachineCode(module, target, /*assembly=*/false);
}

} // namespace

Expected<std::vector<std::string>>
compileToObjects(std::unique_ptr<Module> module, const TargetOptions &target,
                 unsigned threads, StringRef entry) {
  std::vector<std::string> objects;
  if (threads <= 1) {
    auto object = optimiseAndEmit(*module, target);
    if (!object)
      return object.takeError();
    objects.push_back(std::move(*object));
    return objects;
  }
  DenseMap<const Function *, unsigned> part =
      partition(*module, threads, entry);
  auto partOf = [&](const GlobalValue *global) -> unsigned {
    auto *fn = dyn_cast<Function>(global);
    return fn && part.count(fn) ? part.lookup(fn) : 0;
  };
  // Symbols read across parts, in either direction.
  for (Function &fn : *module) {
    if (fn.isDeclaration())
      continue;
    for (const GlobalValue *used : referencesOf(fn))
      if (partOf(used) != partOf(&fn) && !used->isDeclaration())
        externalise(const_cast<GlobalValue *>(used));
  }
  for (GlobalVariable &global : module->globals())
    for (const GlobalValue *used : referencesOf(global))
      if (partOf(used) != 0)
        externalise(const_cast<GlobalValue *>(used));

  SmallVector<bool> hasCode(threads, false);
  for (auto [fn, p] : part)
    hasCode[p] = true;
  SmallVector<SmallString<0>> bitcode(threads);
  for (unsigned p = 1; p < threads; ++p) {
    if (!hasCode[p])
      continue;
    ValueToValueMapTy map;
    std::unique_ptr<Module> clone =
        CloneModule(*module, map, [&](const GlobalValue *global) {
          return partOf(global) == p;
        });
    raw_svector_ostream os(bitcode[p]);
    WriteBitcodeToFile(*clone, os);
  }
  // Part 0 is what is left of the module: the other parts' bodies go, and
  // the local functions only they called with them.
  SmallVector<Function *> local;
  for (Function &fn : *module) {
    if (fn.isDeclaration() || partOf(&fn) == 0)
      continue;
    if (fn.hasLocalLinkage())
      local.push_back(&fn);
    fn.deleteBody();
  }
  for (Function *fn : local)
    if (fn->use_empty())
      fn->eraseFromParent();

  std::vector<Expected<std::string>> results;
  for (unsigned p = 0; p < threads; ++p)
    results.emplace_back(std::string());
  std::vector<std::thread> workers;
  for (unsigned p = 1; p < threads; ++p) {
    if (!hasCode[p])
      continue;
    workers.emplace_back([&, p] {
      LLVMContext context;
      auto buffer = MemoryBuffer::getMemBuffer(
          StringRef(bitcode[p].data(), bitcode[p].size()), "lwcc-part", false);
      auto partModule = parseBitcodeFile(buffer->getMemBufferRef(), context);
      if (!partModule) {
        results[p] = partModule.takeError();
        return;
      }
      results[p] = optimiseAndEmit(**partModule, target);
    });
  }
  results[0] = optimiseAndEmit(*module, target);
  for (std::thread &worker : workers)
    worker.join();
  Error errors = Error::success();
  for (unsigned p = 0; p < threads; ++p) {
    if (!results[p]) {
      errors = joinErrors(std::move(errors), results[p].takeError());
      continue;
    }
    if (p == 0 || hasCode[p])
      objects.push_back(std::move(*results[p]));
  }
  if (errors)
    return std::move(errors);
  return objects;
}

} // namespace lwcc::cpu
