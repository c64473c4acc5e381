//===- PassReport.cpp - what each pass changed, by op counts --------------===//

#include "PassReport.h"

#include "mlir/IR/Operation.h"
#include "mlir/Pass/Pass.h"

#include <map>

using namespace mlir;

namespace lwcc {

static llvm::StringMap<int64_t> countOps(Operation *root) {
  llvm::StringMap<int64_t> counts;
  root->walk([&](Operation *op) {
    if (op != root)
      ++counts[op->getName().getStringRef()];
  });
  return counts;
}

void OpCountReport::runBeforePass(Pass *pass, Operation *op) {
  llvm::StringMap<int64_t> counts = countOps(op);
  std::lock_guard<std::mutex> lock(mutex);
  before[{pass, op}] = std::move(counts);
}

void OpCountReport::runAfterPass(Pass *pass, Operation *op) {
  llvm::StringMap<int64_t> after = countOps(op);
  std::lock_guard<std::mutex> lock(mutex);
  llvm::StringMap<int64_t> start = std::move(before[{pass, op}]);
  before.erase({pass, op});
  std::string name = pass->getArgument().str();
  if (name.empty()) // a pass manager's adaptor: its nested passes report
    return;
  if (!changes.count(name))
    passes.push_back(name);
  llvm::StringMap<int64_t> &delta = changes[name];
  for (const auto &entry : after)
    delta[entry.getKey()] += entry.getValue();
  for (const auto &entry : start)
    delta[entry.getKey()] -= entry.getValue();
}

std::string OpCountReport::str() const {
  std::string text;
  for (const std::string &pass : passes) {
    const llvm::StringMap<int64_t> &delta = changes.find(pass)->second;
    std::map<std::string, int64_t> sorted; // stable, readable order
    for (const auto &entry : delta)
      if (entry.getValue() != 0)
        sorted[entry.getKey().str()] = entry.getValue();
    if (sorted.empty())
      continue;
    text += pass + ":";
    const char *separator = " ";
    for (const auto &[name, count] : sorted) {
      text += separator + name + (count > 0 ? " +" : " ") + std::to_string(count);
      separator = ", ";
    }
    text += "\n";
  }
  return text;
}

} // namespace lwcc
