//===- ChooseLayout.cpp - channels-last chains of convs -------------------===//
//
// In NCHW a pointwise conv is W[Cout, Cin] x X[Cin, H*W]: the kernel's
// vectors run along the pixels, B is Cin streams as long as the image, and
// a depthwise conv works plane by plane. In NHWC the same conv is
// X[H*W, Cin] x W^T[Cin, Cout]: the weights (B) stay in cache and the
// vectors run along the channels, as they do in the depthwise conv, which
// then needs no shifted or masked loads at the plane's edges.
//
// The pass rewrites the convs that have such a form (anchors), then, in
// program order, the pads and all-parallel element-wise ops that read an
// NHWC value, so a chain passes NHWC tensors from one layer to the next;
// destinations (empty tensors, bias broadcasts) get NHWC twins, and any
// other value an anchor reads, or any NCHW use of an NHWC result, goes
// through a linalg.transpose.
//
//===----------------------------------------------------------------------===//

#include "ConvRewrites.h"
#include "lwcc/Backend/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/EquivalenceClasses.h"

namespace lwcc::cpu {
#define GEN_PASS_DEF_CHOOSELAYOUTPASS
#include "lwcc/Backend/CPU/Passes.h.inc"
} // namespace lwcc::cpu

using namespace mlir;

namespace {

using lwcc::cpu::kKindAttr;

constexpr int64_t kToChannelsLast[] = {0, 2, 3, 1};
constexpr int64_t kToChannelsFirst[] = {0, 3, 1, 2};
/// NCHW's iteration dims in an NHWC loop nest: d1 (C) is e3, d2 (H) e1,
/// d3 (W) e2.
constexpr unsigned kDimInChannelsLast[] = {0, 3, 1, 2};

/// A static 4-D float tensor (an image in NCHW).
bool isImage(Value value) {
  auto type = llvm::dyn_cast<RankedTensorType>(value.getType());
  return type && type.getRank() == 4 && type.hasStaticShape() &&
         llvm::isa<FloatType>(type.getElementType());
}

RankedTensorType permuted(Type type, ArrayRef<int64_t> perm) {
  auto tensor = llvm::cast<RankedTensorType>(type);
  SmallVector<int64_t, 4> shape;
  for (int64_t from : perm)
    shape.push_back(tensor.getDimSize(from));
  return RankedTensorType::get(shape, tensor.getElementType());
}

Value transposed(OpBuilder &b, Location loc, Value value,
                 ArrayRef<int64_t> perm) {
  RankedTensorType type = permuted(value.getType(), perm);
  Value init =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  return linalg::TransposeOp::create(b, loc, value, init, perm).getResult()[0];
}

/// A pointwise conv as lwcc-cpu-conv-to-gemm leaves it: constant W [M, K]
/// times X [1, K, H, W] viewed as [K, H*W], into init [1, M, H, W] viewed
/// as [M, H*W], the product expanded back to [1, M, H, W].
struct PointwiseGemm {
  linalg::MatmulOp gemm;
  DenseElementsAttr weights;
  Value input, init;
};

std::optional<PointwiseGemm> matchPointwise(tensor::ExpandShapeOp expand) {
  auto gemm = expand.getSrc().getDefiningOp<linalg::MatmulOp>();
  auto kind = gemm ? gemm->getAttrOfType<StringAttr>(kKindAttr) : nullptr;
  if (!kind || kind.getValue() != "pointwise" || !gemm->hasOneUse() ||
      gemm.hasUserDefinedMaps() || !gemm.hasPureTensorSemantics())
    return std::nullopt;
  PointwiseGemm match{gemm, {}, {}, {}};
  if (!matchPattern(gemm.getInputs()[0], m_Constant(&match.weights)) ||
      !match.weights.getElementType().isF32())
    return std::nullopt;
  SmallVector<ReassociationIndices> image = {{0, 1}, {2, 3}};
  auto c = gemm.getOutputs()[0].getDefiningOp<tensor::CollapseShapeOp>();
  if (!c || c.getReassociationIndices() != image ||
      expand.getReassociationIndices() != image || !isImage(c.getSrc()) ||
      llvm::cast<RankedTensorType>(c.getSrc().getType()).getDimSize(0) != 1)
    return std::nullopt;
  match.init = c.getSrc();
  // B is the input image viewed as [K, H*W], or, where the canonicaliser
  // folded that view of a view, another product, whose image is its
  // expansion.
  Value b = gemm.getInputs()[1];
  if (auto collapse = b.getDefiningOp<tensor::CollapseShapeOp>();
      collapse && collapse.getReassociationIndices() == image)
    match.input = collapse.getSrc();
  for (Operation *user : b.getUsers())
    if (auto view = llvm::dyn_cast<tensor::ExpandShapeOp>(user);
        !match.input && view && view.getReassociationIndices() == image)
      match.input = view.getResult();
  if (!match.input || !isImage(match.input))
    return std::nullopt;
  return match;
}

/// A batch-1 depthwise conv with constant filters.
bool isConstantDepthwise(linalg::DepthwiseConv2DNchwChwOp dw,
                         DenseElementsAttr &filter) {
  return dw.hasPureTensorSemantics() && isImage(dw.getOutputs()[0]) &&
         llvm::cast<RankedTensorType>(dw.getOutputs()[0].getType())
                 .getDimSize(0) == 1 &&
         matchPattern(dw.getInputs()[1], m_Constant(&filter)) &&
         filter.getElementType().isF32();
}

/// An all-parallel generic over an NCHW image's four dims, writing it
/// through the identity map and not asking for its indices: one whose
/// loops can be renamed to NHWC.
bool isImageElementwise(linalg::GenericOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumLoops() != 4 ||
      op.getNumParallelLoops() != 4 || op.getNumDpsInits() != 1 ||
      !isImage(op.getDpsInits()[0]) ||
      !op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity())
    return false;
  return op.getBody()->getOps<linalg::IndexOp>().empty();
}

/// An element-wise op over an image that reads no image (a bias broadcast
/// or a fill): computed in NHWC directly.
bool isBroadcast(Operation *op) {
  auto generic = llvm::dyn_cast_if_present<linalg::GenericOp>(op);
  return generic && isImageElementwise(generic) &&
         llvm::none_of(generic.getDpsInputs(), isImage);
}

/// A constant pad of an image's rows and columns.
bool isImagePad(tensor::PadOp pad) {
  if (!isImage(pad.getSource()) || !pad.getConstantPaddingValue() ||
      !pad.getLow().empty() || !pad.getHigh().empty())
    return false;
  ArrayRef<int64_t> low = pad.getStaticLow(), high = pad.getStaticHigh();
  return low[0] == 0 && low[1] == 0 && high[0] == 0 && high[1] == 0;
}

/// layout=auto's cost model, from profiles on a Zen 4 core (AVX-512,
/// 1 MiB L2; README's layout section has the numbers). Alone, a
/// channels-last pointwise conv ran 5-12% faster where its output channels
/// are 64 or 128 (one or two of the GEMM's 6 x 4-vector tiles: the weights
/// stay in cache while the pixels stream past) and its image has 56x56
/// pixels or more; at 28x28 within noise (inside mobilenet_v1 3-5% slower
/// with 256 channels), for other multiples of 16 within noise, and up to
/// 60% slower with 24 or 40 channels (ragged vectors) or 7x7 pixels (49
/// rows: all the weights streamed once per 6 rows). A conv goes
/// channels-last only with another such conv next to it in a chain
/// (through depthwise convs, pads and element-wise ops, which follow their
/// input's layout), so the chain's gains pay for the transposes at its
/// ends.
constexpr int64_t kChannelsLastPixels = 56 * 56;
constexpr int64_t kChannelsLastOutputs[] = {64, 128};

bool pointwisePaysChannelsLast(RankedTensorType out) {
  return out.getDimSize(2) * out.getDimSize(3) >= kChannelsLastPixels &&
         llvm::is_contained(kChannelsLastOutputs, out.getDimSize(1));
}

/// Whether `op` runs in its input's layout once that is NHWC: a constant
/// pad of rows and columns, a depthwise conv with constant filters, or an
/// element-wise op over an image (what the rewrite below carries along a
/// chain).
bool followsInputLayout(Operation *op) {
  DenseElementsAttr filter;
  if (auto pad = llvm::dyn_cast<tensor::PadOp>(op))
    return isImagePad(pad);
  if (auto dw = llvm::dyn_cast<linalg::DepthwiseConv2DNchwChwOp>(op))
    return isConstantDepthwise(dw, filter);
  auto generic = llvm::dyn_cast<linalg::GenericOp>(op);
  return generic && isImageElementwise(generic);
}

/// The candidate (a pointwise conv's expanded product) whose output
/// reaches `value` through ops that follow their input's layout, if any.
Operation *feedingCandidate(Value value,
                            const DenseSet<Operation *> &candidates,
                            int64_t depth = 8) {
  Operation *def = value.getDefiningOp();
  if (!def || depth == 0)
    return nullptr;
  if (candidates.contains(def))
    return def;
  if (!followsInputLayout(def))
    return nullptr;
  auto dps = llvm::dyn_cast<DestinationStyleOpInterface>(def);
  for (Value input :
       dps ? ValueRange(dps.getDpsInputs()) : ValueRange(def->getOperands()))
    if (isImage(input))
      if (Operation *found = feedingCandidate(input, candidates, depth - 1))
        return found;
  return nullptr;
}

/// The most pixels an image a chain hands back to NCHW ops may have: the
/// transpose of a 56x56x128 chain output (1.6 MB each way) took 0.14 ms,
/// what the chain's two convs had gained.
constexpr int64_t kMaxExitPixels = 28 * 28;

/// Whether every NCHW op that reads `value` (a candidate's output),
/// through ops that follow its layout, reads an image of at most
/// kMaxExitPixels pixels; the candidates' own reads are not exits.
bool exitsSmall(Value value, const DenseSet<Operation *> &candidates,
                int64_t depth = 8) {
  if (depth == 0)
    return false;
  auto small = [](Value image) {
    auto type = llvm::cast<RankedTensorType>(image.getType());
    return type.getDimSize(2) * type.getDimSize(3) <= kMaxExitPixels;
  };
  for (Operation *user : value.getUsers()) {
    if (followsInputLayout(user)) {
      if (!exitsSmall(user->getResult(0), candidates, depth - 1))
        return false;
    } else if (auto view = llvm::dyn_cast<tensor::CollapseShapeOp>(user);
               view && llvm::all_of(view->getUsers(), [&](Operation *gemm) {
                 return gemm->hasOneUse() &&
                        candidates.contains(*gemm->user_begin());
               })) {
      continue;
    } else if (!small(value)) {
      return false;
    }
  }
  return true;
}

struct ChannelsLast {
  OpBuilder b;
  /// NCHW values and their NHWC twins.
  DenseMap<Value, Value> twins;
  /// Ops whose results have twins; their NCHW uses are redirected.
  SmallVector<Operation *> rewritten;
  /// Ops that may be left without uses.
  SmallVector<Operation *> maybeDead;
  int64_t transposes = 0;

  explicit ChannelsLast(MLIRContext *ctx) : b(ctx) {}

  void setTwin(Operation *op, Value twin) {
    twins[op->getResult(0)] = twin;
    rewritten.push_back(op);
  }

  /// Whether `value` has an NHWC twin or gets one without a transpose (a
  /// destination or a pad of a value that has one).
  bool hasCheapTwin(Value value) {
    if (twins.contains(value))
      return true;
    Operation *def = value.getDefiningOp();
    if (llvm::isa_and_present<tensor::EmptyOp>(def))
      return true;
    if (isBroadcast(def))
      return true;
    auto pad = llvm::dyn_cast_if_present<tensor::PadOp>(def);
    return pad && isImagePad(pad) && hasCheapTwin(pad.getSource());
  }

  /// `value` in NHWC: its twin, a twin made for a destination or a pad,
  /// or a transpose. Each is made right after `value`'s definition (a
  /// twin of an op's operand is before the op) or, rewriting an op, just
  /// before it.
  Value channelsLast(Value value) {
    if (Value twin = twins.lookup(value))
      return twin;
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointAfterValue(value);
    Operation *def = value.getDefiningOp();
    Value twin;
    if (auto empty = llvm::dyn_cast_if_present<tensor::EmptyOp>(def)) {
      RankedTensorType type = permuted(value.getType(), kToChannelsLast);
      twin = tensor::EmptyOp::create(b, empty.getLoc(), type.getShape(),
                                     type.getElementType());
    } else if (isBroadcast(def)) {
      twin = rewriteElementwise(llvm::cast<linalg::GenericOp>(def));
    } else if (auto pad = llvm::dyn_cast_if_present<tensor::PadOp>(def);
               pad && isImagePad(pad)) {
      twin = rewritePad(pad);
    } else {
      twin = transposed(b, value.getLoc(), value, kToChannelsLast);
      ++transposes;
    }
    twins[value] = twin;
    if (def)
      maybeDead.push_back(def);
    return twin;
  }

  Value rewriteElementwise(linalg::GenericOp op) {
    MLIRContext *ctx = b.getContext();
    SmallVector<AffineExpr, 4> rename;
    for (unsigned dim : kDimInChannelsLast)
      rename.push_back(getAffineDimExpr(dim, ctx));
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    for (OpOperand *operand : op.getDpsInputOperands()) {
      AffineMap map = op.getMatchingIndexingMap(operand);
      SmallVector<AffineExpr, 4> results(map.getResults());
      Value value = operand->get();
      if (isImage(value)) {
        value = channelsLast(value);
        results = {results[0], results[2], results[3], results[1]};
      }
      inputs.push_back(value);
      maps.push_back(AffineMap::get(4, 0, results, ctx)
                         .replaceDimsAndSymbols(rename, {}, 4, 0));
    }
    Value init = channelsLast(op.getDpsInits()[0]);
    maps.push_back(AffineMap::getMultiDimIdentityMap(4, ctx));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(op);
    auto twin = linalg::GenericOp::create(
        b, op.getLoc(), TypeRange{init.getType()}, inputs, ValueRange{init},
        maps, op.getIteratorTypesArray());
    twin->setDiscardableAttrs(op->getDiscardableAttrDictionary());
    IRMapping mapping;
    op.getRegion().cloneInto(&twin.getRegion(), mapping);
    return twin.getResult(0);
  }

  Value rewritePad(tensor::PadOp pad) {
    Value source = channelsLast(pad.getSource());
    auto permute = [](ArrayRef<int64_t> v) {
      return SmallVector<int64_t>{v[0], v[2], v[3], v[1]};
    };
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(pad);
    return lwcc::cpu::padWith(
        b, pad.getLoc(), source, permute(pad.getStaticLow()),
        permute(pad.getStaticHigh()), pad.getConstantPaddingValue());
  }

  void rewritePointwise(tensor::ExpandShapeOp expand, PointwiseGemm pw) {
    Location loc = pw.gemm.getLoc();
    // An NCHW input the GEMM reads as it is, A [K, H*W] transposed (its
    // kernel reads A one element at a time): no transpose to NHWC first.
    bool readTransposed = !hasCheapTwin(pw.input);
    Value input = readTransposed ? pw.input : channelsLast(pw.input);
    Value init = channelsLast(pw.init);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(expand);
    SmallVector<ReassociationIndices> pixels = {{0, 1, 2}, {3}};
    SmallVector<ReassociationIndices> planes = {{0, 1}, {2, 3}};
    Value a =
        lwcc::cpu::collapse(b, loc, input, readTransposed ? planes : pixels);
    Value c = lwcc::cpu::collapse(b, loc, init, pixels);
    Value weights = arith::ConstantOp::create(
        b, loc, lwcc::cpu::transposeMatrix(pw.weights));
    SmallVector<NamedAttribute> attributes;
    if (readTransposed) {
      MLIRContext *ctx = b.getContext();
      AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
                 k = getAffineDimExpr(2, ctx);
      attributes.push_back(b.getNamedAttr(
          "indexing_maps",
          b.getAffineMapArrayAttr({AffineMap::get(3, 0, {k, m}, ctx),
                                   AffineMap::get(3, 0, {k, n}, ctx),
                                   AffineMap::get(3, 0, {m, n}, ctx)})));
    }
    auto gemm = linalg::MatmulOp::create(b, loc, TypeRange{c.getType()},
                                         ValueRange{a, weights}, ValueRange{c},
                                         attributes);
    gemm->setAttr(kKindAttr, b.getStringAttr("pointwise"));
    Value result = tensor::ExpandShapeOp::create(b, loc, init.getType(),
                                                 gemm.getResult(0), pixels);
    setTwin(expand, result);
    maybeDead.append({pw.gemm, pw.gemm.getInputs()[1].getDefiningOp(),
                      pw.gemm.getOutputs()[0].getDefiningOp()});
  }

  void rewriteDepthwise(linalg::DepthwiseConv2DNchwChwOp dw,
                        DenseElementsAttr filter) {
    Location loc = dw.getLoc();
    Value input = channelsLast(dw.getInputs()[0]);
    Value init = channelsLast(dw.getOutputs()[0]);
    auto type = llvm::cast<RankedTensorType>(filter.getType());
    int64_t c = type.getDimSize(0), kh = type.getDimSize(1),
            kw = type.getDimSize(2);
    auto matrix = RankedTensorType::get({c, kh * kw}, type.getElementType());
    DenseElementsAttr hwc =
        lwcc::cpu::transposeMatrix(filter.reshape(matrix))
            .reshape(RankedTensorType::get({kh, kw, c}, type.getElementType()));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(dw);
    Value weights = arith::ConstantOp::create(b, loc, hwc);
    auto conv = linalg::DepthwiseConv2DNhwcHwcOp::create(
        b, loc, TypeRange{init.getType()}, ValueRange{input, weights},
        ValueRange{init}, dw.getStrides(), dw.getDilations());
    setTwin(dw, conv.getResult(0));
  }

  /// Gives the NCHW uses of rewritten results that stay a transpose of the
  /// twin and erases the ops left unused. Users come after their
  /// producers: from the block's end up, an op's users are settled first.
  void finish() {
    DenseSet<Operation *> replaced(rewritten.begin(), rewritten.end());
    SmallVector<Operation *> candidates(rewritten);
    candidates.append(maybeDead);
    llvm::sort(candidates, [](Operation *x, Operation *y) {
      return y->isBeforeInBlock(x);
    });
    candidates.erase(std::unique(candidates.begin(), candidates.end()),
                     candidates.end());
    DenseSet<Operation *> dead;
    for (Operation *op : candidates) {
      SmallVector<OpOperand *> live;
      for (OpOperand &use : op->getUses())
        if (!dead.contains(use.getOwner()))
          live.push_back(&use);
      if (!live.empty() && !replaced.contains(op))
        continue;
      if (!live.empty()) {
        Value twin = twins.lookup(op->getResult(0));
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointAfterValue(twin);
        Value back = transposed(b, op->getLoc(), twin, kToChannelsFirst);
        ++transposes;
        for (OpOperand *use : live)
          use->set(back);
      }
      dead.insert(op);
    }
    for (Operation *op : candidates)
      if (dead.contains(op)) {
        op->dropAllUses();
        op->erase();
      }
  }
};

struct ChooseLayoutPass
    : lwcc::cpu::impl::ChooseLayoutPassBase<ChooseLayoutPass> {
  using ChooseLayoutPassBase::ChooseLayoutPassBase;

  void runOnOperation() override {
    if (layout != "nhwc" && layout != "auto") {
      getOperation().emitError("lwcc-cpu-choose-layout: unknown layout '")
          << layout << "' (nhwc or auto)";
      return signalPassFailure();
    }
    if (getOperation().isExternal())
      return;
    Block &body = getOperation().getBody().front();
    ChannelsLast rewrite(&getContext());
    SmallVector<Operation *> ops;
    for (Operation &op : body)
      ops.push_back(&op);
    bool everywhere = layout == "nhwc";
    // layout=auto: the convs its cost model picks, kept where another is
    // next to them in a chain. Measured on 512-bit vectors only.
    DenseSet<Operation *> chosen;
    if (!everywhere && vectorBits == 512) {
      DenseSet<Operation *> candidates;
      SmallVector<std::pair<Operation *, Value>> inputs;
      for (Operation &op : body)
        if (auto expand = llvm::dyn_cast<tensor::ExpandShapeOp>(op))
          if (std::optional<PointwiseGemm> pw = matchPointwise(expand);
              pw && pointwisePaysChannelsLast(expand.getResultType())) {
            candidates.insert(expand);
            inputs.push_back({expand, pw->input});
          }
      llvm::EquivalenceClasses<Operation *> chains;
      for (auto [candidate, input] : inputs)
        if (Operation *feeding = feedingCandidate(input, candidates))
          chains.unionSets(candidate, feeding);
      DenseSet<Operation *> linked;
      for (auto [candidate, input] : inputs)
        if (chains.contains(candidate))
          linked.insert(candidate);
      // A chain whose end hands a large image back to NCHW would spend
      // its gain on the transpose.
      for (auto it = chains.begin(); it != chains.end(); ++it) {
        if (!(*it)->isLeader())
          continue;
        auto members =
            llvm::make_range(chains.member_begin(**it), chains.member_end());
        if (llvm::all_of(members, [&](Operation *expand) {
              return exitsSmall(expand->getResult(0), linked);
            }))
          chosen.insert(members.begin(), members.end());
      }
    }
    auto isChannelsLast = [&](Value value) {
      if (rewrite.twins.contains(value))
        return true;
      auto pad = value.getDefiningOp<tensor::PadOp>();
      return pad && rewrite.twins.contains(pad.getSource());
    };
    for (Operation *op : ops) {
      if (auto expand = llvm::dyn_cast<tensor::ExpandShapeOp>(op)) {
        std::optional<PointwiseGemm> pw = matchPointwise(expand);
        if (pw && (everywhere || chosen.contains(expand)))
          rewrite.rewritePointwise(expand, *pw);
      } else if (auto dw =
                     llvm::dyn_cast<linalg::DepthwiseConv2DNchwChwOp>(op)) {
        DenseElementsAttr filter;
        if (isConstantDepthwise(dw, filter) &&
            (everywhere || isChannelsLast(dw.getInputs()[0])))
          rewrite.rewriteDepthwise(dw, filter);
      } else if (auto generic = llvm::dyn_cast<linalg::GenericOp>(op)) {
        if (isImageElementwise(generic) &&
            llvm::any_of(generic.getDpsInputs(), [&](Value input) {
              return rewrite.twins.contains(input);
            }))
          rewrite.setTwin(generic, rewrite.rewriteElementwise(generic));
      } else if (auto pad = llvm::dyn_cast<tensor::PadOp>(op)) {
        if (isImagePad(pad) && rewrite.twins.contains(pad.getSource()))
          rewrite.setTwin(pad, rewrite.rewritePad(pad));
      }
    }
    numChannelsLast = rewrite.rewritten.size();
    rewrite.finish();
    numTransposes = rewrite.transposes;
  }
};

} // namespace
