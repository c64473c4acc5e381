//===- ShapeOps.cpp - data movement ops -----------------------------------===//
//
// Shape inference, verification and folding for concat, split, slice,
// reshape, transpose, pad, resize, gather, broadcast, cast and channel
// shuffle. The folders are what turns exporters' shape arithmetic into
// constants.
//
//===----------------------------------------------------------------------===//

#include "ConstantFolding.h"
#include "LWNNOpUtils.h"
#include "lwcc/Dialect/LWNN/IR/LWNNDialect.h"

#include "mlir/Dialect/Traits.h"

using namespace mlir;
using namespace lwcc::lwnn;
using namespace lwcc::lwnn::detail;

//===----------------------------------------------------------------------===//
// concat / split
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &results) {
  ValueRange inputs = adaptor.getInputs();
  if (inputs.empty())
    return emitOptionalError(loc, "concat needs at least one input");
  auto first = getRankedType(loc, inputs[0].getType(), "input");
  if (failed(first))
    return failure();
  int64_t axis = static_cast<int64_t>(adaptor.getAxis());
  if (axis < 0 || axis >= first->getRank())
    return emitOptionalError(loc, "axis ", axis, " out of range for rank ",
                             first->getRank());
  SmallVector<int64_t> shape(first->getShape());
  for (Value v : inputs.drop_front()) {
    auto type = getRankedType(loc, v.getType(), "input", first->getRank());
    if (failed(type))
      return failure();
    if (type->getElementType() != first->getElementType())
      return emitOptionalError(loc, "concat inputs have different element types");
    for (int64_t d = 0; d < first->getRank(); ++d)
      if (d != axis && type->getDimSize(d) != shape[d])
        return emitOptionalError(loc, "concat inputs differ in dimension ", d,
                                 " (", shape[d], " vs ", type->getDimSize(d), ")");
    shape[axis] += type->getDimSize(axis);
  }
  results.push_back(RankedTensorType::get(shape, first->getElementType()));
  return success();
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1)
    return getInputs()[0];
  SmallVector<UnpackedTensor> parts;
  for (Attribute attr : adaptor.getInputs()) {
    std::optional<UnpackedTensor> t = unpack(attr);
    if (!t)
      return {};
    parts.push_back(std::move(*t));
  }
  // Concatenate by walking the result and finding which part each element of
  // the concat axis comes from.
  UnpackedTensor all;
  all.isFloat = parts[0].isFloat;
  RankedTensorType type = getType();
  int64_t axis = getAxis();
  ArrayRef<int64_t> shape = type.getShape();
  for (int64_t i = 0, e = type.getNumElements(); i < e; ++i) {
    SmallVector<int64_t> index = delinearize(i, shape);
    size_t p = 0;
    while (index[axis] >= parts[p].type.getDimSize(axis))
      index[axis] -= parts[p++].type.getDimSize(axis);
    int64_t s = linearize(index, parts[p].type.getShape());
    if (all.isFloat)
      all.floats.push_back(parts[p].floats[s]);
    else
      all.ints.push_back(parts[p].ints[s]);
  }
  return pack(all, type);
}

LogicalResult SplitOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &results) {
  auto input = getRankedType(loc, adaptor.getInput().getType(), "input");
  if (failed(input))
    return failure();
  int64_t axis = static_cast<int64_t>(adaptor.getAxis());
  if (axis < 0 || axis >= input->getRank())
    return emitOptionalError(loc, "axis ", axis, " out of range for rank ",
                             input->getRank());
  int64_t total = 0;
  for (int64_t size : adaptor.getSizes()) {
    if (size < 0)
      return emitOptionalError(loc, "split sizes must be non-negative");
    SmallVector<int64_t> shape(input->getShape());
    shape[axis] = size;
    total += size;
    results.push_back(RankedTensorType::get(shape, input->getElementType()));
  }
  if (total != input->getDimSize(axis))
    return emitOptionalError(loc, "split sizes sum to ", total, " but dimension ",
                             axis, " is ", input->getDimSize(axis));
  return success();
}

LogicalResult SplitOp::verify() {
  if (getSizes().empty())
    return emitOpError("needs at least one piece");
  return success();
}

//===----------------------------------------------------------------------===//
// slice
//===----------------------------------------------------------------------===//

LogicalResult SliceOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &results) {
  auto input = getRankedType(loc, adaptor.getInput().getType(), "input");
  if (failed(input))
    return failure();
  ArrayRef<int64_t> offsets = adaptor.getOffsets(), sizes = adaptor.getSizes(),
                    strides = adaptor.getStrides();
  int64_t rank = input->getRank();
  if (int64_t(offsets.size()) != rank || int64_t(sizes.size()) != rank ||
      int64_t(strides.size()) != rank)
    return emitOptionalError(loc, "slice needs one offset, size and stride per "
                                  "dimension (rank ", rank, ")");
  for (int64_t d = 0; d < rank; ++d) {
    if (strides[d] == 0 || sizes[d] < 0)
      return emitOptionalError(loc, "slice strides must be non-zero and sizes "
                                    "non-negative");
    if (sizes[d] == 0)
      continue;
    int64_t last = offsets[d] + (sizes[d] - 1) * strides[d];
    int64_t dim = input->getDimSize(d);
    if (offsets[d] < 0 || offsets[d] >= dim || last < 0 || last >= dim)
      return emitOptionalError(loc, "slice of dimension ", d, " reads [",
                               offsets[d], ", ", last, "] outside [0, ", dim, ")");
  }
  results.push_back(RankedTensorType::get(sizes, input->getElementType()));
  return success();
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType() &&
      llvm::all_of(getOffsets(), [](int64_t o) { return o == 0; }) &&
      llvm::all_of(getStrides(), [](int64_t s) { return s == 1; }))
    return getInput();
  std::optional<UnpackedTensor> in = unpack(adaptor.getInput());
  if (!in)
    return {};
  ArrayRef<int64_t> offsets = getOffsets(), strides = getStrides();
  ArrayRef<int64_t> resultShape = getType().getShape();
  return foldGatherElements(*in, getType(), [&](int64_t i) {
    SmallVector<int64_t> index = delinearize(i, resultShape);
    for (size_t d = 0; d < index.size(); ++d)
      index[d] = offsets[d] + index[d] * strides[d];
    return linearize(index, in->type.getShape());
  });
}

//===----------------------------------------------------------------------===//
// reshape / transpose / broadcast
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  RankedTensorType in = getInput().getType(), out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("reshape cannot change the element type");
  if (!in.hasStaticShape() || !out.hasStaticShape())
    return emitOpError("reshape needs static shapes");
  if (in.getNumElements() != out.getNumElements())
    return emitOpError("cannot reshape ") << in.getNumElements()
                                          << " elements into " << out;
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  // reshape(reshape(x)) == reshape(x).
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  if (auto dense = llvm::dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput()))
    return dense.reshape(getType());
  return {};
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &results) {
  auto input = getRankedType(loc, adaptor.getInput().getType(), "input");
  if (failed(input))
    return failure();
  ArrayRef<int64_t> perm = adaptor.getPerm();
  int64_t rank = input->getRank();
  if (int64_t(perm.size()) != rank)
    return emitOptionalError(loc, "perm has ", perm.size(),
                             " entries for rank ", rank);
  SmallVector<bool> seen(rank, false);
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p])
      return emitOptionalError(loc, "perm is not a permutation of [0, ", rank, ")");
    seen[p] = true;
    shape.push_back(input->getDimSize(p));
  }
  results.push_back(RankedTensorType::get(shape, input->getElementType()));
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int64_t> perm = getPerm();
  bool identity = true;
  for (size_t i = 0; i < perm.size(); ++i)
    identity &= perm[i] == int64_t(i);
  if (identity)
    return getInput();
  // transpose(transpose(x, p), q) == transpose(x, p[q[i]]).
  if (auto inner = getInput().getDefiningOp<TransposeOp>()) {
    ArrayRef<int64_t> innerPerm = inner.getPerm();
    SmallVector<int64_t> composed;
    for (int64_t p : perm)
      composed.push_back(innerPerm[p]);
    getInputMutable().assign(inner.getInput());
    setPerm(composed);
    return getResult();
  }
  std::optional<UnpackedTensor> in = unpack(adaptor.getInput());
  if (!in)
    return {};
  ArrayRef<int64_t> resultShape = getType().getShape();
  return foldGatherElements(*in, getType(), [&](int64_t i) {
    SmallVector<int64_t> index = delinearize(i, resultShape);
    SmallVector<int64_t> source(index.size());
    for (size_t d = 0; d < index.size(); ++d)
      source[perm[d]] = index[d];
    return linearize(source, in->type.getShape());
  });
}

LogicalResult BroadcastOp::verify() {
  RankedTensorType in = getInput().getType(), out = getType();
  SmallVector<int64_t> shape;
  if (in.getElementType() != out.getElementType() ||
      !OpTrait::util::getBroadcastedShape(in.getShape(), out.getShape(), shape) ||
      ArrayRef<int64_t>(shape) != out.getShape())
    return emitOpError("cannot broadcast ") << in << " to " << out;
  return success();
}

OpFoldResult BroadcastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  std::optional<UnpackedTensor> in = unpack(adaptor.getInput());
  if (!in)
    return {};
  ArrayRef<int64_t> resultShape = getType().getShape();
  return foldGatherElements(*in, getType(), [&](int64_t i) {
    return broadcastSourceIndex(resultShape, in->type.getShape(), i);
  });
}

//===----------------------------------------------------------------------===//
// pad / resize
//===----------------------------------------------------------------------===//

LogicalResult PadOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &results) {
  auto input = getRankedType(loc, adaptor.getInput().getType(), "input");
  if (failed(input))
    return failure();
  ArrayRef<int64_t> pads = adaptor.getPads();
  int64_t rank = input->getRank();
  if (int64_t(pads.size()) != 2 * rank)
    return emitOptionalError(loc, "pad needs ", 2 * rank, " pads, got ",
                             pads.size());
  SmallVector<int64_t> shape(input->getShape());
  for (int64_t d = 0; d < rank; ++d) {
    shape[d] += pads[d] + pads[d + rank];
    if (shape[d] < 0)
      return emitOptionalError(loc, "pads crop dimension ", d, " below zero");
  }
  results.push_back(RankedTensorType::get(shape, input->getElementType()));
  return success();
}

LogicalResult PadOp::verify() {
  if (getMode() != PadMode::reflect)
    return success();
  RankedTensorType in = getInput().getType();
  int64_t rank = in.getRank();
  for (int64_t d = 0; d < rank; ++d)
    if (getPads()[d] >= in.getDimSize(d) || getPads()[d + rank] >= in.getDimSize(d))
      return emitOpError("reflect padding must be smaller than dimension ") << d;
  return success();
}

LogicalResult ResizeOp::verify() {
  RankedTensorType in = getInput().getType(), out = getType();
  if (in.getRank() != out.getRank() || in.getElementType() != out.getElementType())
    return emitOpError("resize keeps rank and element type");
  if (llvm::any_of(out.getShape(), [](int64_t d) { return d <= 0; }))
    return emitOpError("resize output dimensions must be positive");
  if (getMode() != ResizeMode::nearest && in.getRank() >= 2 &&
      (in.getDimSize(0) != out.getDimSize(0) || in.getDimSize(1) != out.getDimSize(1)))
    return emitOpError("linear and cubic resize only scale spatial dimensions");
  if (getCoordMode() == CoordMode::tf_crop_and_resize &&
      (!getRoi() || int64_t(getRoi()->size()) != 2 * in.getRank()))
    return emitOpError("tf_crop_and_resize needs a roi of ") << 2 * in.getRank() << " values";
  if (auto scales = getScales()) {
    if (int64_t(scales->size()) != in.getRank())
      return emitOpError("expects one scale per dimension");
    if (llvm::any_of(*scales, [](float s) { return !(s > 0); }))
      return emitOpError("scales must be positive");
  }
  return success();
}

//===----------------------------------------------------------------------===//
// gather / cast / channel_shuffle
//===----------------------------------------------------------------------===//

LogicalResult GatherOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &results) {
  auto input = getRankedType(loc, adaptor.getInput().getType(), "input");
  auto indices = getRankedType(loc, adaptor.getIndices().getType(), "indices");
  if (failed(input) || failed(indices))
    return failure();
  int64_t axis = static_cast<int64_t>(adaptor.getAxis());
  if (axis < 0 || axis >= input->getRank())
    return emitOptionalError(loc, "axis ", axis, " out of range for rank ",
                             input->getRank());
  SmallVector<int64_t> shape(input->getShape().take_front(axis));
  llvm::append_range(shape, indices->getShape());
  llvm::append_range(shape, input->getShape().drop_front(axis + 1));
  results.push_back(RankedTensorType::get(shape, input->getElementType()));
  return success();
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  std::optional<UnpackedTensor> in = unpack(adaptor.getInput());
  std::optional<UnpackedTensor> idx = unpack(adaptor.getIndices());
  if (!in || !idx)
    return {};
  int64_t axis = getAxis();
  ArrayRef<int64_t> inShape = in->type.getShape();
  ArrayRef<int64_t> resultShape = getType().getShape();
  int64_t idxRank = idx->type.getRank();
  return foldGatherElements(*in, getType(), [&](int64_t i) -> int64_t {
    SmallVector<int64_t> r = delinearize(i, resultShape);
    SmallVector<int64_t> idxPos(r.begin() + axis, r.begin() + axis + idxRank);
    int64_t k = idx->ints[linearize(idxPos, idx->type.getShape())];
    if (k < 0)
      k += inShape[axis];
    if (k < 0 || k >= inShape[axis])
      return -1;
    SmallVector<int64_t> source(r.begin(), r.begin() + axis);
    source.push_back(k);
    source.append(r.begin() + axis + idxRank, r.end());
    return linearize(source, inShape);
  });
}

LogicalResult CastOp::verify() {
  if (getInput().getType().getShape() != getType().getShape())
    return emitOpError("cast cannot change the shape");
  if (llvm::isa<quant::QuantizedType>(getType().getElementType()) ||
      llvm::isa<quant::QuantizedType>(getInput().getType().getElementType()))
    return emitOpError("use quantize/dequantize for quantised types");
  return success();
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  std::optional<UnpackedTensor> in = unpack(adaptor.getInput());
  if (!in)
    return {};
  return pack(*in, getType());
}

LogicalResult ChannelShuffleOp::verify() {
  RankedTensorType type = getInput().getType();
  int64_t groups = static_cast<int64_t>(getGroups());
  if (type.getRank() < 2)
    return emitOpError("channel_shuffle needs [N, C, ...]");
  if (groups <= 0 || type.getDimSize(1) % groups != 0)
    return emitOpError("groups (") << groups << ") must divide the "
                                   << type.getDimSize(1) << " channels";
  return success();
}
