"""Writes small quantised models (ONNX's QOperator and QDQ forms) for the
zoo-vs-ONNX Runtime check.

    python3 models/export_quant.py OUT_DIR

Each model takes and returns float tensors, so models/check_zoo.py can feed
it the zoo's seeded inputs and compare with ONNX Runtime. Inside, the
arithmetic is integer: an 8-bit activation that differs from ORT's by one
step changes the output by a whole scale, far beyond the check's tolerance,
so a pass means the integer results agree exactly.

  q_mobile_block  QuantizeLinear -> QLinearConv 3x3/2 (per-channel int8
                  weights, int32 bias) -> depthwise QLinearConv 3x3 ->
                  pointwise QLinearConv -> DequantizeLinear -> global pool ->
                  QuantizeLinear -> QLinearMatMul -> DequantizeLinear
  q_integer_ops   ConvInteger and MatMulInteger with zero points, cast back
                  to float
  q_movement      per-axis int8 Quantize/DequantizeLinear, and quantised
                  tensors moved by Reshape, Transpose, Slice and Concat
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

RNG = np.random.default_rng(7)


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def weights(shape):
    # 7-bit weights, as ONNX Runtime's quantiser makes with reduce_range: its
    # u8 x s8 kernels on x86 without VNNI sum pairs of products in saturating
    # int16 (pmaddubsw), so full-range weights make ORT itself inexact.
    return RNG.integers(-64, 64, shape).astype(np.int8)


def mobile_block():
    inits = [
        const("xs", np.float32(2 / 255)), const("xz", np.uint8(128)),
        const("w1", weights([8, 3, 3, 3])), const("w1s", RNG.uniform(0.004, 0.01, 8).astype(np.float32)),
        const("w1z", np.zeros(8, np.int8)), const("b1", RNG.integers(-500, 500, 8).astype(np.int32)),
        const("y1s", np.float32(0.05)), const("y1z", np.uint8(120)),
        const("w2", weights([8, 1, 3, 3])), const("w2s", RNG.uniform(0.005, 0.02, 8).astype(np.float32)),
        const("w2z", np.zeros(8, np.int8)),
        const("y2s", np.float32(0.04)), const("y2z", np.uint8(128)),
        const("w3", weights([16, 8, 1, 1])), const("w3s", np.float32(0.01)), const("w3z", np.int8(0)),
        const("b3", RNG.integers(-300, 300, 16).astype(np.int32)),
        const("y3s", np.float32(0.03)), const("y3z", np.uint8(110)),
        const("ps", np.float32(0.02)), const("pz", np.uint8(128)),
        const("fc", RNG.integers(64, 192, [16, 10]).astype(np.uint8)),
        const("fcs", np.float32(0.004)), const("fcz", np.uint8(127)),
        const("os", np.float32(0.01)), const("oz", np.uint8(128)),
        const("shape", np.array([1, 16], np.int64)),
    ]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "xs", "xz"], ["q0"]),
        helper.make_node("QLinearConv", ["q0", "xs", "xz", "w1", "w1s", "w1z", "y1s", "y1z", "b1"],
                         ["q1"], pads=[1, 1, 1, 1], strides=[2, 2]),
        helper.make_node("QLinearConv", ["q1", "y1s", "y1z", "w2", "w2s", "w2z", "y2s", "y2z"],
                         ["q2"], pads=[1, 1, 1, 1], group=8),
        helper.make_node("QLinearConv", ["q2", "y2s", "y2z", "w3", "w3s", "w3z", "y3s", "y3z", "b3"],
                         ["q3"]),
        helper.make_node("DequantizeLinear", ["q3", "y3s", "y3z"], ["f3"]),
        helper.make_node("GlobalAveragePool", ["f3"], ["g"]),
        helper.make_node("Reshape", ["g", "shape"], ["flat"]),
        helper.make_node("QuantizeLinear", ["flat", "ps", "pz"], ["qf"]),
        helper.make_node("QLinearMatMul", ["qf", "ps", "pz", "fc", "fcs", "fcz", "os", "oz"], ["qo"]),
        helper.make_node("DequantizeLinear", ["qo", "os", "oz"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "q_mobile_block",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])], inits)
    return graph


def integer_ops():
    inits = [
        const("xs", np.float32(1 / 64)), const("xz", np.uint8(100)),
        const("w", RNG.integers(64, 192, [4, 3, 3, 3]).astype(np.uint8)),
        const("wz", np.uint8(128)),
        const("m", weights([4, 5])),
        const("mz", np.uint8(3)),
        const("shape", np.array([1, 4, 16], np.int64)),
    ]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "xs", "xz"], ["q"]),
        helper.make_node("ConvInteger", ["q", "w", "xz", "wz"], ["acc"], pads=[1, 1, 1, 1],
                         strides=[2, 2]),
        helper.make_node("Cast", ["acc"], ["accf"], to=TensorProto.FLOAT),
        helper.make_node("Reshape", ["accf", "shape"], ["r"]),
        helper.make_node("Transpose", ["r"], ["t"], perm=[0, 2, 1]),
        helper.make_node("QuantizeLinear", ["t", "xs", "mz"], ["tq"]),
        helper.make_node("MatMulInteger", ["tq", "m", "mz"], ["mm"]),
        helper.make_node("Cast", ["mm"], ["y"], to=TensorProto.FLOAT),
    ]
    # 8x8 input, stride 2 -> 4x4 -> [1, 16, 4] @ [4, 5]
    graph = helper.make_graph(
        nodes, "q_integer_ops",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 16, 5])], inits)
    return graph


def movement():
    inits = [
        const("s", np.array([0.01, 0.02, 0.03, 0.04], np.float32)),
        const("z", np.array([0, 5, -5, 10], np.int8)),
        const("s1", np.float32(0.01)), const("z1", np.int8(-3)),
        const("shape", np.array([1, 2, 2, 64], np.int64)),
        const("starts", np.array([1], np.int64)), const("ends", np.array([7], np.int64)),
        const("axes", np.array([3], np.int64)),
    ]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], axis=1),
        helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y0"], axis=1),
        helper.make_node("QuantizeLinear", ["x", "s1", "z1"], ["q1"]),
        helper.make_node("Reshape", ["q1", "shape"], ["r"]),
        helper.make_node("Transpose", ["r"], ["t"], perm=[0, 3, 1, 2]),
        helper.make_node("Slice", ["t", "starts", "ends", "axes"], ["sl"]),
        helper.make_node("Concat", ["sl", "sl"], ["c"], axis=3),
        helper.make_node("DequantizeLinear", ["c", "s1", "z1"], ["y1"]),
    ]
    graph = helper.make_graph(
        nodes, "q_movement",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 8, 8])],
        [helper.make_tensor_value_info("y0", TensorProto.FLOAT, [1, 4, 8, 8]),
         helper.make_tensor_value_info("y1", TensorProto.FLOAT, [1, 64, 2, 2])], inits)
    return graph


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for build in (mobile_block, integer_ops, movement):
        graph = build()
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        model.ir_version = 8
        onnx.checker.check_model(model, full_check=True)
        onnx.save(model, os.path.join(out, graph.name + ".onnx"))
        print(graph.name)


if __name__ == "__main__":
    main()
