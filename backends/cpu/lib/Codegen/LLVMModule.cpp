//===- LLVMModule.cpp - LLVM IR of a generated library --------------------===//
//
// Translates the lowered model, then adds what turns it into a library: the
// compute wrapper the runtime calls (unpacking input/output pointer arrays
// into the model function's bare-pointer arguments), the model-info
// constant, and the runtime bitcode for the target. Everything but the C
// API is hidden; optimiseModule runs LLVM's IR pipeline for the target CPU
// (on the whole module, or on the parts of SplitCodegen.cpp).
//
//===----------------------------------------------------------------------===//

#include "lwcc/Backend/CPU/Codegen.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Linker/Linker.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"

#include "RuntimeBitcode.inc"

using namespace llvm;

namespace lwcc::cpu {

static constexpr const char *kModelFunction = "lwcc_internal_main";

static ArrayRef<unsigned char> runtimeBitcode(StringRef arch) {
  if (arch == "x86_64")
    return kRuntime_x86_64;
  return kRuntime_aarch64;
}

/// void lwcc_internal_compute(void *const *in, void *const *out, void *arena,
///                            lwcc_context *ctx)
static Error addComputeWrapper(Module &module, const ModelSignature &signature,
                               bool takesContext) {
  Function *model = module.getFunction(kModelFunction);
  if (!model)
    return createStringError("the lowered module has no model function");
  LLVMContext &ctx = module.getContext();
  Type *ptr = PointerType::getUnqual(ctx);
  auto *type = FunctionType::get(Type::getVoidTy(ctx), {ptr, ptr, ptr, ptr}, false);
  Function *wrapper = Function::Create(type, GlobalValue::ExternalLinkage,
                                       kComputeFunction, module);
  IRBuilder<> b(BasicBlock::Create(ctx, "entry", wrapper));
  SmallVector<Value *> args;
  auto loadAll = [&](Value *array, size_t count) {
    for (size_t i = 0; i < count; ++i)
      args.push_back(b.CreateLoad(ptr, b.CreateConstGEP1_64(ptr, array, i)));
  };
  loadAll(wrapper->getArg(0), signature.inputs.size());
  loadAll(wrapper->getArg(1), signature.outputs.size());
  size_t expected = args.size() + (takesContext ? 1 : 0);
  if (model->arg_size() == expected + 1)
    args.push_back(wrapper->getArg(2));
  if (takesContext)
    args.push_back(wrapper->getArg(3));
  if (model->arg_size() != args.size())
    return createStringError("the model function takes " + Twine(model->arg_size()) +
                             " pointers, expected " + Twine(expected));
  b.CreateCall(model, args);
  b.CreateRetVoid();
  return Error::success();
}

/// Defines each `lwcc_dispatch_<i>(p0, ..., pk, ctx, n)` declared by
/// lwcc-cpu-outline-parallel: it packs the pointers into an array and hands
/// `lwcc_trampoline_<i>` (which unpacks them and calls `lwcc_task_<i>`) to
/// the runtime's parallel_for with n iterations.
static Error defineDispatches(Module &module) {
  LLVMContext &ctx = module.getContext();
  Type *ptr = PointerType::getUnqual(ctx);
  Type *i64 = Type::getInt64Ty(ctx);
  Type *voidTy = Type::getVoidTy(ctx);
  FunctionCallee parallelFor = module.getOrInsertFunction(
      "lwcc_internal_parallel_for", FunctionType::get(voidTy, {ptr, ptr, ptr, i64}, false));
  for (Function &dispatch : llvm::make_early_inc_range(module)) {
    StringRef name = dispatch.getName();
    if (!dispatch.isDeclaration() || !name.consume_front("lwcc_dispatch_"))
      continue;
    Function *task = module.getFunction(("lwcc_task_" + name).str());
    size_t pointers = dispatch.arg_size() - 1;
    if (!task || pointers < 1 || task->arg_size() != pointers + 2)
      return createStringError("parallel task " + name + " does not match its dispatch");
    task->setLinkage(GlobalValue::InternalLinkage);
    auto *trampoline = Function::Create(FunctionType::get(voidTy, {ptr, i64, i64}, false),
                                        GlobalValue::InternalLinkage,
                                        "lwcc_trampoline_" + name, module);
    IRBuilder<> t(BasicBlock::Create(ctx, "entry", trampoline));
    SmallVector<Value *> taskArgs;
    for (size_t i = 0; i < pointers; ++i)
      taskArgs.push_back(t.CreateLoad(ptr, t.CreateConstGEP1_64(ptr, trampoline->getArg(0), i)));
    taskArgs.append({trampoline->getArg(1), trampoline->getArg(2)});
    t.CreateCall(task, taskArgs);
    t.CreateRetVoid();

    dispatch.setLinkage(GlobalValue::InternalLinkage);
    IRBuilder<> d(BasicBlock::Create(ctx, "entry", &dispatch));
    Type *arrayType = ArrayType::get(ptr, pointers);
    Value *array = d.CreateAlloca(arrayType);
    for (size_t i = 0; i < pointers; ++i)
      d.CreateStore(dispatch.getArg(i), d.CreateConstGEP2_64(arrayType, array, 0, i));
    d.CreateCall(parallelFor, {dispatch.getArg(pointers - 1), trampoline, array,
                               dispatch.getArg(pointers)});
    d.CreateRetVoid();
  }
  return Error::success();
}

/// One `lwcc --profile` entry (see lwcc-cpu-profile).
struct ProfileEntry {
  std::string name, kind;
  uint64_t flops;
};

static Constant *cString(Module &module, StringRef text) {
  IRBuilder<> b(module.getContext());
  auto *global = new GlobalVariable(module, ArrayType::get(b.getInt8Ty(), text.size() + 1),
                                    true, GlobalValue::PrivateLinkage,
                                    ConstantDataArray::getString(module.getContext(), text));
  global->setUnnamedAddr(GlobalValue::UnnamedAddr::Global);
  return global;
}

/// The runtime's profile tables: size, names, kinds and flops (empty
/// without --profile).
static void addProfileTables(Module &module, ArrayRef<ProfileEntry> entries) {
  LLVMContext &ctx = module.getContext();
  Type *ptr = PointerType::getUnqual(ctx);
  Type *i64 = Type::getInt64Ty(ctx);
  auto hidden = [&](StringRef name, Constant *value) {
    auto *global = new GlobalVariable(module, value->getType(), true,
                                      GlobalValue::ExternalLinkage, value, name);
    global->setVisibility(GlobalValue::HiddenVisibility);
  };
  hidden("lwcc_internal_profile_size",
         ConstantInt::get(Type::getInt32Ty(ctx), entries.size()));
  SmallVector<Constant *> names, kinds, flops;
  for (const ProfileEntry &entry : entries) {
    names.push_back(cString(module, entry.name));
    kinds.push_back(cString(module, entry.kind));
    flops.push_back(ConstantInt::get(i64, entry.flops));
  }
  // A table is never empty, so the runtime's declarations always resolve.
  if (entries.empty()) {
    names.push_back(ConstantPointerNull::get(PointerType::getUnqual(ctx)));
    kinds.push_back(ConstantPointerNull::get(PointerType::getUnqual(ctx)));
    flops.push_back(ConstantInt::get(i64, 0));
  }
  hidden("lwcc_internal_profile_names", ConstantArray::get(ArrayType::get(ptr, names.size()), names));
  hidden("lwcc_internal_profile_kinds", ConstantArray::get(ArrayType::get(ptr, kinds.size()), kinds));
  hidden("lwcc_internal_profile_flops", ConstantArray::get(ArrayType::get(i64, flops.size()), flops));
}

/// The lwcc_model_info constant (layout mirrors backends/runtime/include/lwcc/runtime.h).
static void addModelInfo(Module &module, const ModelSignature &signature,
                         const TargetOptions &target, uint64_t arenaBytes,
                         uint64_t weightBytes) {
  LLVMContext &ctx = module.getContext();
  Type *ptr = PointerType::getUnqual(ctx);
  Type *i32 = Type::getInt32Ty(ctx), *i64 = Type::getInt64Ty(ctx);
  StructType *tensorInfo = StructType::create(ctx, {ptr, i32, i32, ptr, i64}, "lwcc_tensor_info");
  auto tensorArray = [&](ArrayRef<TensorSignature> tensors, StringRef what) -> Constant * {
    SmallVector<Constant *> entries;
    for (const TensorSignature &t : tensors) {
      SmallVector<Constant *> dims;
      for (int64_t d : t.shape)
        dims.push_back(ConstantInt::get(i64, d));
      auto *shapeType = ArrayType::get(i64, dims.size());
      auto *shape = new GlobalVariable(module, shapeType, true, GlobalValue::PrivateLinkage,
                                       ConstantArray::get(shapeType, dims));
      entries.push_back(ConstantStruct::get(
          tensorInfo, {cString(module, t.name), ConstantInt::get(i32, t.dtype),
                       ConstantInt::get(i32, t.shape.size()), shape,
                       ConstantInt::get(i64, t.bytes)}));
    }
    auto *arrayType = ArrayType::get(tensorInfo, entries.size());
    return new GlobalVariable(module, arrayType, true, GlobalValue::PrivateLinkage,
                              ConstantArray::get(arrayType, entries),
                              "lwcc_" + what.str());
  };
  StructType *modelInfo = StructType::create(
      ctx, {i32, i32, i32, i32, ptr, ptr, ptr, ptr, i64, i64}, "lwcc_model_info");
  Constant *value = ConstantStruct::get(
      modelInfo,
      {ConstantInt::get(i32, 1), ConstantInt::get(i32, signature.inputs.size()),
       ConstantInt::get(i32, signature.outputs.size()),
       ConstantInt::get(i32, signature.defaultThreads),
       cString(module, signature.name), cString(module, target.arch),
       tensorArray(signature.inputs, "inputs"), tensorArray(signature.outputs, "outputs"),
       ConstantInt::get(i64, arenaBytes), ConstantInt::get(i64, weightBytes)});
  auto *info = new GlobalVariable(module, modelInfo, true, GlobalValue::ExternalLinkage, value,
                                  "lwcc_internal_model_info");
  info->setVisibility(GlobalValue::HiddenVisibility);
}

static Expected<std::unique_ptr<TargetMachine>> createTargetMachine(const TargetOptions &target) {
  static bool initialised = [] {
    InitializeAllTargetInfos();
    InitializeAllTargets();
    InitializeAllTargetMCs();
    InitializeAllAsmPrinters();
    return true;
  }();
  (void)initialised;
  std::string error;
  Triple triple(target.triple);
  const Target *t = TargetRegistry::lookupTarget(triple, error);
  if (!t)
    return createStringError("no LLVM target for " + target.triple + ": " + error);
  llvm::TargetOptions options;
  CodeGenOptLevel level = target.optLevel == 0   ? CodeGenOptLevel::None
                          : target.optLevel == 1 ? CodeGenOptLevel::Less
                          : target.optLevel == 2 ? CodeGenOptLevel::Default
                                                 : CodeGenOptLevel::Aggressive;
  std::unique_ptr<TargetMachine> tm(t->createTargetMachine(
      triple, target.cpu, target.features, options, Reloc::PIC_, std::nullopt, level));
  if (!tm)
    return createStringError("cannot create a target machine for " + target.triple);
  return std::move(tm);
}

Error optimiseModule(Module &module, const TargetOptions &target) {
  auto tm = createTargetMachine(target);
  if (!tm)
    return tm.takeError();
  int optLevel = target.optLevel;
  LoopAnalysisManager lam;
  FunctionAnalysisManager fam;
  CGSCCAnalysisManager cgam;
  ModuleAnalysisManager mam;
  PassBuilder pb(tm->get());
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  // lwcc -O3 still runs LLVM's O2 IR pipeline: the kernels arrive blocked
  // and vectorised, and O3's extra unrolling only grew compile time (regnet
  // 23 s -> 14 s at O2, the same run time). Code generation stays at O3.
  OptimizationLevel level = optLevel == 0   ? OptimizationLevel::O0
                            : optLevel == 1 ? OptimizationLevel::O1
                                            : OptimizationLevel::O2;
  ModulePassManager mpm = optLevel == 0 ? pb.buildO0DefaultPipeline(level)
                                        : pb.buildPerModuleDefaultPipeline(level);
  mpm.run(module, mam);
  return Error::success();
}

Expected<std::unique_ptr<Module>> buildLLVMModule(mlir::ModuleOp module,
                                                  const ModelSignature &signature,
                                                  const TargetOptions &target,
                                                  LLVMContext &llvmContext) {
  mlir::DialectRegistry registry;
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
  module->getContext()->appendDialectRegistry(registry);

  uint64_t arenaBytes = 0;
  std::string entryName;
  module.walk([&](mlir::Operation *op) {
    if (auto bytes = op->getAttrOfType<mlir::IntegerAttr>("lwcc.arena_bytes")) {
      arenaBytes = bytes.getInt();
      if (auto sym = op->getAttrOfType<mlir::StringAttr>("sym_name"))
        entryName = sym.str();
    }
  });
  SmallVector<ProfileEntry> profile;
  if (auto entries = module->getAttrOfType<mlir::ArrayAttr>("lwcc.profile"))
    for (mlir::Attribute entry : entries) {
      auto dict = llvm::cast<mlir::DictionaryAttr>(entry);
      profile.push_back({dict.getAs<mlir::StringAttr>("name").str(),
                         dict.getAs<mlir::StringAttr>("kind").str(),
                         static_cast<uint64_t>(dict.getAs<mlir::IntegerAttr>("flops").getInt())});
    }
  // The entry function ends with the runtime context if it has parallel
  // kernels or profile probes (lwcc-cpu-outline-parallel, lwcc-cpu-profile).
  bool takesContext = false;
  module.walk([&](mlir::LLVM::LLVMFuncOp fn) {
    if (fn.getSymName() != entryName || fn.getNumArguments() == 0)
      return;
    takesContext = static_cast<bool>(fn.getArgAttr(fn.getNumArguments() - 1, "lwcc.context"));
  });
  // Argument names were for the lwnn level; LLVM has no use for them.
  module.walk([](mlir::LLVM::LLVMFuncOp fn) {
    fn.setArgAttrsAttr(nullptr);
    fn.setResAttrsAttr(nullptr);
  });
  std::unique_ptr<Module> llvmModule = mlir::translateModuleToLLVMIR(module, llvmContext);
  if (!llvmModule)
    return createStringError("translation to LLVM IR failed");
  Function *model = llvmModule->getFunction(entryName);
  if (!model)
    return createStringError("the lowered module has no entry function");
  model->setName(kModelFunction);
  model->setLinkage(GlobalValue::InternalLinkage);

  auto tm = createTargetMachine(target);
  if (!tm)
    return tm.takeError();
  llvmModule->setTargetTriple((*tm)->getTargetTriple());
  llvmModule->setDataLayout((*tm)->createDataLayout());

  uint64_t weightBytes = 0;
  const DataLayout &layout = llvmModule->getDataLayout();
  for (GlobalVariable &global : llvmModule->globals())
    if (global.isConstant() && global.hasInitializer())
      weightBytes += layout.getTypeAllocSize(global.getValueType());
  if (Error error = addComputeWrapper(*llvmModule, signature, takesContext))
    return std::move(error);
  if (Error error = defineDispatches(*llvmModule))
    return std::move(error);
  addModelInfo(*llvmModule, signature, target, arenaBytes, weightBytes);
  addProfileTables(*llvmModule, profile);

  ArrayRef<unsigned char> bitcode = runtimeBitcode(target.arch);
  auto buffer = MemoryBuffer::getMemBuffer(
      StringRef(reinterpret_cast<const char *>(bitcode.data()), bitcode.size()),
      "lwcc-runtime", false);
  auto runtime = parseBitcodeFile(buffer->getMemBufferRef(), llvmContext);
  if (!runtime)
    return runtime.takeError();
  (*runtime)->setTargetTriple(llvmModule->getTargetTriple());
  (*runtime)->setDataLayout(llvmModule->getDataLayout());
  if (Linker::linkModules(*llvmModule, std::move(*runtime)))
    return createStringError("linking the runtime failed");

  // Only the C API leaves the library; the rest may be inlined and dropped.
  for (GlobalValue &value : llvmModule->global_values()) {
    if (value.isDeclaration() || value.hasLocalLinkage())
      continue;
    if (value.getVisibility() != GlobalValue::DefaultVisibility ||
        !value.getName().starts_with("lwcc_") ||
        value.getName().starts_with("lwcc_internal_"))
      value.setVisibility(GlobalValue::HiddenVisibility);
  }
  for (Function &fn : *llvmModule) {
    if (fn.isDeclaration())
      continue;
    fn.addFnAttr("target-cpu", target.cpu);
    if (!target.features.empty())
      fn.addFnAttr("target-features", target.features);
  }
  std::string verifyErrors;
  raw_string_ostream os(verifyErrors);
  if (verifyModule(*llvmModule, &os))
    return createStringError("generated LLVM IR is invalid: " + verifyErrors);
  return std::move(llvmModule);
}

Expected<VectorRegisterFile> vectorRegisterFile(const TargetOptions &target) {
  if (target.arch == "aarch64")
    return VectorRegisterFile{128, 32};
  auto tm = createTargetMachine(target);
  if (!tm)
    return tm.takeError();
  const MCSubtargetInfo *info = (*tm)->getMCSubtargetInfo();
  if (info->checkFeatures("+avx512f"))
    return VectorRegisterFile{512, 32};
  if (info->checkFeatures("+avx"))
    return VectorRegisterFile{256, 16};
  return VectorRegisterFile{128, 16};
}

Expected<std::string> emitMachineCode(Module &module, const TargetOptions &target,
                                      bool assembly) {
  auto tm = createTargetMachine(target);
  if (!tm)
    return tm.takeError();
  SmallString<0> buffer;
  raw_svector_ostream os(buffer);
  legacy::PassManager pm;
  if ((*tm)->addPassesToEmitFile(pm, os, nullptr,
                                 assembly ? CodeGenFileType::AssemblyFile
                                          : CodeGenFileType::ObjectFile))
    return createStringError("the target cannot emit this file type");
  pm.run(module);
  return std::string(buffer.str());
}

} // namespace lwcc::cpu
