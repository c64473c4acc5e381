//===- ImportShape.cpp - data movement converters -------------------------===//
//
// Concat, Split, Slice, Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Pad,
// Expand, Resize and Upsample, including the opset moves of attributes to
// inputs (Split/Squeeze/Unsqueeze at 13, Slice at 10, Pad at 11, Resize at 11).
// Shapes must be compile-time constants; the folders make them so.
//
//===----------------------------------------------------------------------===//

#include "NodeImporter.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Verifier.h"
#include <cmath>

using namespace mlir;
using namespace lwcc::lwnn;

namespace lwcc::onnx_import {

/// Reads an int list that is an attribute before `inputOpset` and an
/// optional input `index` from then on.
static FailureOr<std::optional<SmallVector<int64_t>>>
readIntsAttrOrInput(NodeContext &ctx, StringRef name, int64_t inputOpset,
                    size_t index) {
  if (ctx.opset < inputOpset)
    return ctx.getInts(name);
  if (!ctx.hasInput(index))
    return std::optional<SmallVector<int64_t>>();
  FailureOr<SmallVector<int64_t>> values = ctx.constantInts(index, name);
  if (failed(values))
    return failure();
  return std::optional<SmallVector<int64_t>>(*values);
}

static LogicalResult convertConcat(NodeContext &ctx) {
  RankedTensorType first = ctx.inputType(0);
  if (!first)
    return ctx.fail("expects at least one input");
  // Concat-1 defaulted the axis to 1; later versions require it.
  if (!ctx.attr("axis") && ctx.opset >= 4)
    return ctx.fail("missing required attribute 'axis'");
  FailureOr<int64_t> axis = normalizeAxis(ctx, ctx.getInt("axis", 1), first.getRank());
  if (failed(axis))
    return failure();
  return ctx.emitResult<ConcatOp>(ValueRange(ctx.inputs), *axis);
}

static LogicalResult convertSplit(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  FailureOr<int64_t> axis = normalizeAxis(ctx, ctx.getInt("axis", 0), type.getRank());
  if (failed(axis))
    return failure();
  auto sizes = readIntsAttrOrInput(ctx, "split", 13, 1);
  if (failed(sizes))
    return failure();
  SmallVector<int64_t> pieces;
  int64_t n = ctx.numOutputs(), dim = type.getDimSize(*axis);
  if (*sizes) {
    pieces = **sizes;
    if (int64_t(pieces.size()) != n)
      return ctx.emitError() << "split has " << pieces.size() << " sizes for "
                             << n << " outputs";
  } else {
    if (dim % n != 0)
      return ctx.emitError() << "cannot split dimension of " << dim << " into "
                             << n << " equal parts";
    pieces.assign(n, dim / n);
  }
  auto op = ctx.buildInferred<SplitOp>(ctx.input(0), *axis, pieces);
  if (failed(op))
    return failure();
  for (int64_t i = 0; i < n; ++i)
    ctx.setOutput(i, op->getResult(i));
  return success();
}

static LogicalResult convertSlice(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  int64_t rank = type.getRank();
  SmallVector<int64_t> starts, ends, axes, steps;
  if (ctx.opset < 10) {
    starts = ctx.getInts("starts").value_or(SmallVector<int64_t>{});
    ends = ctx.getInts("ends").value_or(SmallVector<int64_t>{});
    axes = ctx.getInts("axes").value_or(SmallVector<int64_t>{});
  } else {
    auto s = ctx.constantInts(1, "starts"), e = ctx.constantInts(2, "ends");
    if (failed(s) || failed(e))
      return failure();
    starts = *s;
    ends = *e;
    if (ctx.hasInput(3)) {
      auto a = ctx.constantInts(3, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
    if (ctx.hasInput(4)) {
      auto st = ctx.constantInts(4, "steps");
      if (failed(st))
        return failure();
      steps = *st;
    }
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (starts.size() != ends.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return ctx.fail("starts, ends, axes and steps differ in length");
  SmallVector<int64_t> offsets(rank, 0), sizes(type.getShape()), strides(rank, 1);
  for (size_t i = 0; i < axes.size(); ++i) {
    FailureOr<int64_t> axis = normalizeAxis(ctx, axes[i], rank);
    if (failed(axis))
      return failure();
    int64_t dim = type.getDimSize(*axis), step = steps[i];
    if (step == 0)
      return ctx.fail("slice step must not be zero");
    auto clampIndex = [&](int64_t v, int64_t lo, int64_t hi) {
      if (v < 0)
        v += dim;
      return std::min(std::max(v, lo), hi);
    };
    int64_t start, end;
    if (step > 0) {
      start = clampIndex(starts[i], 0, dim);
      end = clampIndex(ends[i], 0, dim);
    } else {
      start = clampIndex(starts[i], 0, dim - 1);
      // An end below -dim means "through index 0".
      end = ends[i] < -dim ? -1 : clampIndex(ends[i], -1, dim - 1);
    }
    int64_t size = step > 0 ? (end - start + step - 1) / step
                            : (start - end + (-step) - 1) / (-step);
    offsets[*axis] = size > 0 ? start : 0;
    sizes[*axis] = std::max<int64_t>(size, 0);
    strides[*axis] = step;
  }
  return ctx.emitResult<SliceOp>(ctx.input(0), offsets, sizes, strides);
}

static LogicalResult convertReshape(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  SmallVector<int64_t> shape;
  if (ctx.opset < 5) {
    shape = ctx.getInts("shape").value_or(SmallVector<int64_t>{});
  } else {
    auto s = ctx.constantInts(1, "shape");
    if (failed(s))
      return failure();
    shape = *s;
  }
  bool allowZero = ctx.getInt("allowzero", 0);
  int64_t known = 1, inferIndex = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 0 && !allowZero) {
      if (int64_t(i) >= type.getRank())
        return ctx.fail("shape copies a dimension the input does not have");
      shape[i] = type.getDimSize(i);
    }
    if (shape[i] == -1) {
      if (inferIndex >= 0)
        return ctx.fail("shape has more than one -1");
      inferIndex = i;
      continue;
    }
    if (shape[i] < 0)
      return ctx.emitError() << "invalid dimension " << shape[i] << " in shape";
    known *= shape[i];
  }
  int64_t total = type.getNumElements();
  if (inferIndex >= 0) {
    if (known == 0 || total % known != 0)
      return ctx.emitError() << "cannot infer -1: " << total
                             << " elements do not divide into " << known;
    shape[inferIndex] = total / known;
  } else if (known != total) {
    return ctx.emitError() << "cannot reshape " << type << " to " << known
                           << " elements";
  }
  ctx.setOutput(0, reshapeTo(ctx, ctx.input(0), shape));
  return success();
}

static LogicalResult convertFlatten(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  int64_t rank = type.getRank(), axis = ctx.getInt("axis", 1);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis > rank)
    return ctx.emitError() << "axis " << ctx.getInt("axis", 1)
                           << " out of range for rank " << rank;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < axis ? outer : inner) *= type.getDimSize(d);
  ctx.setOutput(0, reshapeTo(ctx, ctx.input(0), {outer, inner}));
  return success();
}

static LogicalResult convertSqueeze(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  auto given = readIntsAttrOrInput(ctx, "axes", 13, 1);
  if (failed(given))
    return failure();
  SmallVector<bool> drop(type.getRank(), false);
  if (*given) {
    for (int64_t a : **given) {
      FailureOr<int64_t> axis = normalizeAxis(ctx, a, type.getRank());
      if (failed(axis))
        return failure();
      if (type.getDimSize(*axis) != 1)
        return ctx.emitError() << "cannot squeeze dimension " << *axis
                               << " of size " << type.getDimSize(*axis);
      drop[*axis] = true;
    }
  } else {
    for (int64_t d = 0; d < type.getRank(); ++d)
      drop[d] = type.getDimSize(d) == 1;
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (!drop[d])
      shape.push_back(type.getDimSize(d));
  ctx.setOutput(0, reshapeTo(ctx, ctx.input(0), shape));
  return success();
}

static LogicalResult convertUnsqueeze(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  auto given = readIntsAttrOrInput(ctx, "axes", 13, 1);
  if (failed(given))
    return failure();
  if (!*given)
    return ctx.fail("missing axes");
  int64_t outRank = type.getRank() + (*given)->size();
  SmallVector<bool> inserted(outRank, false);
  for (int64_t a : **given) {
    FailureOr<int64_t> axis = normalizeAxis(ctx, a, outRank);
    if (failed(axis))
      return failure();
    if (inserted[*axis])
      return ctx.fail("axes repeat");
    inserted[*axis] = true;
  }
  SmallVector<int64_t> shape;
  int64_t next = 0;
  for (int64_t d = 0; d < outRank; ++d)
    shape.push_back(inserted[d] ? 1 : type.getDimSize(next++));
  ctx.setOutput(0, reshapeTo(ctx, ctx.input(0), shape));
  return success();
}

static LogicalResult convertTranspose(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  SmallVector<int64_t> perm;
  if (auto given = ctx.getInts("perm"))
    perm = *given;
  else
    for (int64_t d = type.getRank() - 1; d >= 0; --d)
      perm.push_back(d);
  return ctx.emitResult<TransposeOp>(ctx.input(0), perm);
}

static LogicalResult convertPad(NodeContext &ctx) {
  SmallVector<int64_t> pads;
  float value = 0.0f;
  if (ctx.opset < 11) {
    pads = ctx.getInts("pads").value_or(SmallVector<int64_t>{});
    value = ctx.getFloat("value", 0.0f);
  } else {
    auto p = ctx.constantInts(1, "pads");
    if (failed(p))
      return failure();
    pads = *p;
    if (ctx.hasInput(2)) {
      auto v = ctx.constantFloats(2, "constant_value");
      if (failed(v))
        return failure();
      if (v->size() != 1)
        return ctx.fail("constant_value must be a scalar");
      value = float((*v)[0]);
    }
    if (ctx.hasInput(3))
      return ctx.fail("the axes input of Pad (opset 18) is not supported");
  }
  std::string mode = ctx.getString("mode", "constant");
  PadMode padMode;
  if (mode == "constant")
    padMode = PadMode::constant;
  else if (mode == "reflect")
    padMode = PadMode::reflect;
  else if (mode == "edge")
    padMode = PadMode::edge;
  else
    return ctx.emitError() << "unsupported pad mode '" << mode << "'";
  return ctx.emitResult<PadOp>(ctx.input(0), pads, padMode, APFloat(value));
}

static LogicalResult convertExpand(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  auto shape = ctx.constantInts(1, "shape");
  if (failed(shape))
    return failure();
  SmallVector<int64_t> out;
  if (!OpTrait::util::getBroadcastedShape(type.getShape(), *shape, out))
    return ctx.emitError() << "cannot expand " << type << " to the given shape";
  ctx.setOutput(0, BroadcastOp::create(ctx.b, ctx.loc, type.clone(out),
                                       ctx.input(0)));
  return success();
}

/// Resize (opset 10+) and Upsample (7-9).
static LogicalResult convertResize(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  bool isUpsample = ctx.node.op_type() == "Upsample";
  SmallVector<double> scales;
  SmallVector<int64_t> sizes;
  if (isUpsample && ctx.opset < 9) {
    for (float s : ctx.getFloats("scales").value_or(SmallVector<float>{}))
      scales.push_back(s);
  } else {
    size_t scalesIndex = (isUpsample || ctx.opset < 11) ? 1 : 2;
    DenseElementsAttr scalesAttr = ctx.constantInput(scalesIndex);
    if (ctx.hasInput(scalesIndex) && !scalesAttr)
      return ctx.fail("scales must be a compile-time constant");
    if (scalesAttr && scalesAttr.getNumElements() > 0) {
      auto s = ctx.constantFloats(scalesIndex, "scales");
      scales = *s;
    }
    if (!isUpsample && ctx.opset >= 11 && ctx.hasInput(3)) {
      auto s = ctx.constantInts(3, "sizes");
      if (failed(s))
        return failure();
      sizes = *s;
    }
  }
  int64_t rank = type.getRank();
  bool crop = !isUpsample && ctx.opset >= 11 &&
              ctx.getString("coordinate_transformation_mode", "") == "tf_crop_and_resize";
  SmallVector<float> roi;
  if (crop) {
    auto r = ctx.constantFloats(1, "roi");
    if (failed(r))
      return failure();
    if (int64_t(r->size()) != 2 * rank)
      return ctx.emitError() << "roi has " << r->size() << " values, expected " << 2 * rank;
    roi.assign(r->begin(), r->end());
  }
  if (sizes.empty()) {
    if (int64_t(scales.size()) != rank)
      return ctx.emitError() << "expects " << rank << " scales or sizes";
    for (int64_t d = 0; d < rank; ++d) {
      if (scales[d] <= 0)
        return ctx.fail("scales must be positive");
      // A cropped region has (end - start) of the input's length.
      double extent = crop ? double(roi[rank + d] - roi[d]) : 1.0;
      sizes.push_back(int64_t(std::floor(type.getDimSize(d) * extent * scales[d])));
    }
  }
  if (int64_t(sizes.size()) != rank)
    return ctx.emitError() << "expects " << rank << " sizes";
  std::string mode = ctx.getString("mode", "nearest");
  ResizeMode resizeMode;
  if (mode == "nearest")
    resizeMode = ResizeMode::nearest;
  else if (mode == "linear" || mode == "bilinear")
    resizeMode = ResizeMode::linear;
  else if (mode == "cubic" && !isUpsample)
    resizeMode = ResizeMode::cubic;
  else
    return ctx.emitError() << "unsupported resize mode '" << mode << "'";
  bool legacy = isUpsample || ctx.opset < 11;
  std::string coord = legacy ? "asymmetric"
                             : ctx.getString("coordinate_transformation_mode",
                                             "half_pixel");
  std::optional<CoordMode> coordMode = symbolizeCoordMode(coord);
  if (!coordMode)
    return ctx.emitError() << "unsupported coordinate_transformation_mode '"
                           << coord << "'";
  std::string nearest =
      legacy ? "floor" : ctx.getString("nearest_mode", "round_prefer_floor");
  std::optional<NearestMode> nearestMode = symbolizeNearestMode(nearest);
  if (!nearestMode)
    return ctx.emitError() << "unsupported nearest_mode '" << nearest << "'";
  MLIRContext *mctx = ctx.b.getContext();
  // Keep given scales that differ from output/input: ONNX maps coordinates
  // with them, not with the rounded sizes.
  DenseF32ArrayAttr scalesAttr;
  if (!scales.empty()) {
    SmallVector<float> kept(scales.begin(), scales.end());
    bool exact = true;
    for (int64_t d = 0; d < rank; ++d)
      exact &= float(sizes[d]) / float(type.getDimSize(d)) == kept[d];
    if (!exact)
      scalesAttr = ctx.b.getDenseF32ArrayAttr(kept);
  }
  auto op = ResizeOp::create(ctx.b, ctx.loc, type.clone(sizes), ctx.input(0),
                             ResizeModeAttr::get(mctx, resizeMode),
                             CoordModeAttr::get(mctx, *coordMode),
                             NearestModeAttr::get(mctx, *nearestMode), scalesAttr,
                             ctx.b.getF32FloatAttr(ctx.getFloat("cubic_coeff_a", -0.75f)),
                             ctx.b.getBoolAttr(ctx.getInt("exclude_outside", 0) != 0),
                             crop ? ctx.b.getDenseF32ArrayAttr(roi) : nullptr,
                             ctx.b.getF32FloatAttr(ctx.getFloat("extrapolation_value", 0.0f)));
  if (failed(verify(op)))
    return failure();
  ctx.setOutput(0, op);
  return success();
}

void addShapeConverters(ConverterTable &table) {
  table.add("Concat", 1, kMaxOpset, convertConcat);
  table.add("Split", 2, kMaxOpset, convertSplit);
  table.add("Slice", 1, kMaxOpset, convertSlice);
  table.add("Reshape", 1, kMaxOpset, convertReshape);
  table.add("Flatten", 1, kMaxOpset, convertFlatten);
  table.add("Squeeze", 1, kMaxOpset, convertSqueeze);
  table.add("Unsqueeze", 1, kMaxOpset, convertUnsqueeze);
  table.add("Transpose", 1, kMaxOpset, convertTranspose);
  table.add("Pad", 2, kMaxOpset, convertPad);
  table.add("Expand", 8, kMaxOpset, convertExpand);
  table.add("Resize", 10, kMaxOpset, convertResize);
  table.add("Upsample", 7, 9, convertResize);
}

} // namespace lwcc::onnx_import
