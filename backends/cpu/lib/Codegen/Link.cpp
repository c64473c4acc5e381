//===- Link.cpp - linking the shared library with lld ---------------------===//
//
// lld runs as a child process on temporary object files: in-process lld
// keeps global state and registers command-line flags (-mcpu, ...) that
// collide with an embedding program's. The library needs only the target's
// libc (DT_NEEDED libc.so.6); when the target's libc is not on this machine,
// its symbols stay undefined and resolve from the loading process.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Backend/CPU/Codegen.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"


using namespace llvm;

namespace lwcc::cpu {

Error linkSharedLibrary(ArrayRef<std::string> objects, const TargetOptions &target,
                        StringRef outputPath, StringRef soname) {
  std::vector<std::string> objectPaths;
  std::vector<std::unique_ptr<FileRemover>> removers;
  for (const std::string &object : objects) {
    SmallString<128> objectPath;
    int fd;
    if (std::error_code ec = sys::fs::createTemporaryFile("lwcc-model", "o", fd, objectPath))
      return createStringError("cannot create a temporary object file: " + ec.message());
    removers.push_back(std::make_unique<FileRemover>(objectPath));
    raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << object;
    objectPaths.push_back(objectPath.str().str());
  }
  std::string emulation = target.arch == "aarch64" ? "aarch64linux" : "elf_x86_64";
  std::vector<std::string> args = {"ld.lld",   "-m",        emulation,       "-shared",
                                   "-o",       outputPath.str(), "-soname", soname.str(),
                                   "--gc-sections", "-z", "now", "-z", "relro",
                                   "--hash-style=gnu", "--build-id=sha1"};
  args.insert(args.end(), objectPaths.begin(), objectPaths.end());
  if (!target.libcPath.empty())
    args.push_back(target.libcPath);
  std::string linker = LWCC_DEFAULT_LINKER;
  if (const char *env = std::getenv("LWCC_LD"))
    linker = env;
  if (!sys::fs::can_execute(linker))
    return createStringError("the linker '" + linker +
                             "' is missing (install lld-22 or set LWCC_LD)");
  SmallString<128> errorPath;
  if (std::error_code ec = sys::fs::createTemporaryFile("lwcc-ld", "txt", errorPath))
    return createStringError("cannot create a temporary file: " + ec.message());
  FileRemover removeErrors(errorPath);
  std::vector<StringRef> argv(args.begin(), args.end());
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(errorPath), StringRef(errorPath)};
  std::string message;
  int rc = sys::ExecuteAndWait(linker, argv, std::nullopt, redirects, 0, 0, &message);
  if (rc != 0) {
    auto text = MemoryBuffer::getFile(errorPath);
    return createStringError("lld failed: " + (text ? (*text)->getBuffer().str() : message));
  }
  return Error::success();
}

} // namespace lwcc::cpu
