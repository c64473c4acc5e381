//===- PassReport.h - what each pass changed, by op counts ------*- C++ -*-===//
//
// LLVM's own statistics are compiled out of release builds (Debian's
// included), so lwcc reports what each pass did itself: the number of ops
// of each kind before and after it, as differences.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_DRIVER_PASSREPORT_H
#define LWCC_DRIVER_PASSREPORT_H

#include "mlir/Pass/PassInstrumentation.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <mutex>
#include <string>
#include <vector>

namespace lwcc {

class OpCountReport : public mlir::PassInstrumentation {
public:
  void runBeforePass(mlir::Pass *pass, mlir::Operation *op) override;
  void runAfterPass(mlir::Pass *pass, mlir::Operation *op) override;
  /// One line per pass that changed an op count: `pass: op +n, op -m`.
  std::string str() const;

private:
  std::mutex mutex;
  llvm::DenseMap<std::pair<mlir::Pass *, mlir::Operation *>, llvm::StringMap<int64_t>> before;
  /// Per pass, in the order passes first ran.
  std::vector<std::string> passes;
  llvm::StringMap<llvm::StringMap<int64_t>> changes;
};

} // namespace lwcc

#endif // LWCC_DRIVER_PASSREPORT_H
