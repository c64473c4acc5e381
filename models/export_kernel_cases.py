"""Writes small convolution models whose shapes hit the edges of lwcc's CPU
kernels, for the zoo-vs-ONNX Runtime check (models/check_zoo.py).

    python3 models/export_kernel_cases.py OUT_DIR

Ragged widths (narrower tail vectors), rows and channels that are not a
multiple of the register block, strides 2 (de-interleaving loads near the
end of the padded row), dilation, asymmetric and 5x5 windows, grouped and
strided 1x1 convolutions; and chains whose bias, activation and residual
add the kernels absorb, including one where the bufferiser reuses the
output buffer for an intermediate the next kernel reads and one whose K
runs in blocks; 3x3 convs as Winograd F(4x4, 3x3) and F(2x2, 3x3)
with ragged tiles.
Depthwise convs and pools read their padding implicitly
(the kernel supplies the border: zeros, -inf for max pools). Concats whose
inputs are written in place sit next to ones that must be copied, and a
squeeze-excite gate's 1x1 convs on one pixel. Weights are seeded random
numbers.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

RNG = np.random.default_rng(11)

# name: (input shape [N, C, H, W], out channels, kernel, stride, pads, dilation, groups)
CASES = {
    "k_dw3_s1_ragged": ([1, 8, 13, 13], 8, 3, 1, [1, 1, 1, 1], 1, 8),
    "k_dw3_s2": ([1, 8, 17, 17], 8, 3, 2, [1, 1, 1, 1], 1, 8),
    "k_dw3_s2_even": ([1, 6, 56, 56], 6, 3, 2, [0, 0, 1, 1], 1, 6),
    "k_dw5_s2": ([1, 4, 15, 15], 4, 5, 2, [2, 2, 2, 2], 1, 4),
    "k_dw3_dilated": ([1, 4, 11, 40], 4, 3, 1, [2, 2, 2, 2], 2, 4),
    "k_stem_s2": ([1, 3, 19, 19], 13, 3, 2, [1, 1, 1, 1], 1, 1),
    "k_pointwise": ([1, 37, 7, 7], 29, 1, 1, [0, 0, 0, 0], 1, 1),
    "k_pointwise_wide": ([1, 24, 28, 28], 30, 1, 1, [0, 0, 0, 0], 1, 1),
    "k_grouped": ([1, 16, 9, 9], 8, 3, 1, [1, 1, 1, 1], 1, 4),
    # 4 columns past the last full AVX-512 tile: a tile of column
    # accumulators, two row blocks at a time (25 blocks: an odd one left);
    # split by columns (64x196); 6 x 4 blocks with ragged rows (52x132).
    "k_pointwise_column_tile": ([1, 24, 10, 10], 200, 1, 1, [0, 0, 0, 0], 1, 1),
    "k_pointwise_column_tile_wide": ([1, 24, 14, 14], 64, 1, 1, [0, 0, 0, 0], 1, 1),
    "k_pointwise_column_tile_ragged": ([1, 16, 11, 12], 52, 1, 1, [0, 0, 0, 0], 1, 1),
    # grouped, stride 2, the zero padding supplied by the im2col (regnet's
    # first block: groups of 16 channels).
    "k_grouped_s2": ([1, 32, 17, 17], 32, 3, 2, [1, 1, 1, 1], 1, 2),
    "k_1x1_s2": ([1, 8, 10, 10], 12, 1, 2, [0, 0, 0, 0], 1, 1),
    "k_conv5_dilated": ([1, 6, 12, 12], 7, 5, 1, [4, 4, 4, 4], 2, 1),
    # a 5x5 window wider than half the 7-wide rows: every segment of a row
    # has taps outside it on both sides.
    "k_dw5_s1_narrow": ([1, 8, 7, 7], 8, 5, 1, [2, 2, 2, 2], 1, 8),
    # image products (no im2col): a 7x7 stride-2 stem on the image's 2x2
    # phases (23 of every 26 columns kept, 10 rows: a ragged block), and a
    # dilated 3x3 (taps shifted by 2 rows and 2 columns).
    "k_image_stem": ([1, 3, 45, 45], 10, 7, 2, [3, 3, 3, 3], 1, 1),
    "k_image_dilated": ([1, 6, 30, 30], 7, 3, 1, [2, 2, 2, 2], 2, 1),
    # depthwise on planes of a few vectors, run flattened (taps as shifts
    # of the whole plane): 10x10, and 9x9 dilated (taps two rows away).
    "k_dw3_flat": ([1, 12, 10, 10], 12, 3, 1, [1, 1, 1, 1], 1, 12),
    "k_dw3_flat_dilated": ([1, 4, 9, 9], 4, 3, 1, [2, 2, 2, 2], 2, 4),
    # rows of 14 run flattened, the vectors between the first and last two
    # rows a loop (on AVX2 seven vectors are four rows); a 5x5 stride 2
    # 28x28 -> 14x14 on the input's 2 x 2 phases.
    "k_dw5_flat_loop": ([1, 4, 14, 14], 4, 5, 1, [2, 2, 2, 2], 1, 4),
    "k_dw5_s2_phases": ([1, 8, 28, 28], 8, 5, 2, [2, 2, 2, 2], 1, 8),
    # 729 columns: on AVX-512 the last 9 take one masked vector instead of
    # 8 + 1 lanes, and B (rows of 2916 bytes) is packed.
    "k_pointwise_masked": ([1, 32, 27, 27], 128, 1, 1, [0, 0, 0, 0], 1, 1),
    # 52 channels: channels-last (--layout=nhwc), three whole AVX-512 vectors
    # and a 4-lane one per pixel, edge rows and columns in the padding.
    "k_dw3_wide_channels": ([1, 52, 12, 12], 52, 3, 1, [1, 1, 1, 1], 1, 52),
    # an image product 289 columns wide (17 rows of 17): on AVX-512 the
    # last column rides along with the last full tile, its B values packed
    # beside the tile.
    "k_image_extra_column": ([1, 8, 17, 15], 64, 3, 1, [1, 1, 1, 1], 1, 1),
    # 48 rows (6 row blocks) of 49 columns: the threads' column panels
    # would leave the 49th column a panel of its own; it rides along with
    # the panel before instead.
    "k_pointwise_few_rows_7x7": ([1, 40, 7, 7], 48, 1, 1, [0, 0, 0, 0], 1, 1),
    # im2col copies of narrow planes run flattened (each tap's row one
    # shifted, masked read of the plane): regnet's groups of 16 at 7x7, a
    # plain 3x3 at 7x7, and a dilated one at 10x10 (taps two rows away).
    "k_im2col_flat_grouped": ([1, 48, 7, 7], 48, 3, 1, [1, 1, 1, 1], 1, 3),
    "k_im2col_flat": ([1, 24, 7, 7], 20, 3, 1, [1, 1, 1, 1], 1, 1),
    "k_im2col_flat_dilated": ([1, 8, 10, 10], 12, 3, 1, [2, 2, 2, 2], 2, 2),
    # an im2col and its GEMM in two bands of 16 output rows, both reaching
    # past the 63 x 63 image (the top and bottom padding).
    "k_bands_stem": ([1, 3, 63, 63], 16, 3, 2, [1, 1, 1, 1], 1, 1),
}


def output_shape(shape, out_channels, kernel, stride, pads, dilation):
    extent = dilation * (kernel - 1) + 1
    return [shape[0], out_channels] + [
        (shape[2 + i] + pads[i] + pads[i + 2] - extent) // stride + 1 for i in range(2)]


def model(name, shape, out_channels, kernel, stride, pads, dilation, groups):
    c = shape[1]
    w = RNG.uniform(-1, 1, (out_channels, c // groups, kernel, kernel)).astype(np.float32)
    b = RNG.uniform(-1, 1, (out_channels,)).astype(np.float32)
    conv = helper.make_node("Conv", ["x", "w", "b"], ["y"], name="conv", kernel_shape=[kernel] * 2,
                            strides=[stride] * 2, pads=pads, dilations=[dilation] * 2,
                            group=groups)
    graph = helper.make_graph(
        [conv], name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, output_shape(shape, out_channels, kernel, stride, pads, dilation))],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 7
    onnx.checker.check_model(m)
    return m


def pool(name, op, shape, kernel, stride, pads, attrs):
    """A single MaxPool / AveragePool on a seeded random input."""
    node = helper.make_node(op, ["x"], ["y"], name="pool", kernel_shape=[kernel] * 2,
                            strides=[stride] * 2, pads=pads, **attrs)
    graph = helper.make_graph(
        [node], name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 7
    m = onnx.shape_inference.infer_shapes(m)
    onnx.checker.check_model(m)
    return m


# name: (op, input shape, kernel, stride, pads, attributes)
POOLS = {
    # resnet/shufflenet stem: -inf padding the kernel supplies itself.
    "k_maxpool_s2_pad": ("MaxPool", [1, 5, 23, 23], 3, 2, [1, 1, 1, 1], {}),
    # squeezenet: ceil mode, a window hanging over the bottom-right edge.
    "k_maxpool_ceil": ("MaxPool", [1, 6, 28, 28], 3, 2, [0, 0, 0, 0], {"ceil_mode": 1}),
    "k_avgpool_pad": ("AveragePool", [1, 4, 17, 17], 3, 1, [1, 1, 1, 1],
                      {"count_include_pad": 0}),
    "k_avgpool_s2": ("AveragePool", [1, 4, 18, 18], 2, 2, [0, 0, 0, 0], {}),
}


def chain(name, shape, layers, residual, normalised=False):
    """Conv layers (out channels, kernel, stride, groups, activation) in a
    row; with `residual`, the first layer's input is added before the last
    activation. `normalised` scales the weights to He's variance (2 /
    fan-in), as in a trained network, so activations stay near 1."""
    nodes, inits, value, c = [], [], "x", shape[1]
    for i, (cout, kernel, stride, groups, act) in enumerate(layers):
        w = RNG.uniform(-1, 1, (cout, c // groups, kernel, kernel)).astype(np.float32)
        if normalised:
            w *= np.float32(np.sqrt(6 / (c // groups * kernel * kernel)))
        b = RNG.uniform(-1, 1, (cout,)).astype(np.float32)
        inits += [numpy_helper.from_array(w, f"w{i}"), numpy_helper.from_array(b, f"b{i}")]
        nodes.append(helper.make_node("Conv", [value, f"w{i}", f"b{i}"], [f"c{i}"],
                                      kernel_shape=[kernel] * 2, strides=[stride] * 2,
                                      pads=[kernel // 2] * 4, group=groups))
        value, c = f"c{i}", cout
        last = i == len(layers) - 1
        if last and residual:
            nodes.append(helper.make_node("Add", [value, "x"], ["sum"]))
            value = "sum"
        if act == "relu":
            nodes.append(helper.make_node("Relu", [value], [f"a{i}"]))
            value = f"a{i}"
        elif act == "relu6":
            nodes.append(helper.make_node("Clip", [value, "lo", "hi"], [f"a{i}"]))
            value = f"a{i}"
        elif act == "silu":
            nodes.append(helper.make_node("Sigmoid", [value], [f"g{i}"]))
            nodes.append(helper.make_node("Mul", [value, f"g{i}"], [f"a{i}"]))
            value = f"a{i}"
    inits += [numpy_helper.from_array(np.array(0, np.float32), "lo"),
              numpy_helper.from_array(np.array(6, np.float32), "hi")]
    nodes[-1].output[0] = "y"
    size = list(shape[2:])
    for _, kernel, stride, _, _ in layers:
        size = [(s + 2 * (kernel // 2) - kernel) // stride + 1 for s in size]
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, c] + size)], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 7
    onnx.checker.check_model(m)
    return m


CHAINS = {
    # pointwise -> depthwise -> pointwise, each with an activation: the last
    # activation writes the model's output buffer, which the bufferiser also
    # uses for the depthwise result the last pointwise reads.
    "k_chain_reuse": ([1, 8, 20, 20], [(16, 1, 1, 1, "relu"), (16, 3, 1, 16, "relu"),
                                        (16, 1, 1, 1, "relu")], False),
    # 32 -> 64 and 64 -> 128 pointwise convs at 56x56 around a depthwise
    # conv, then a stride-2 one: the chain --layout=auto runs channels-last
    # (the first conv reading its NCHW input in place, the 28x28 result
    # transposed back).
    "k_chain_channels_last": ([1, 32, 56, 56], [(64, 1, 1, 1, "relu"), (64, 3, 1, 64, "relu"),
                                                (128, 1, 1, 1, "relu"), (128, 3, 2, 128, "relu")],
                              False),
    # inverted residual: expand, depthwise stride 1, project, + input, relu6.
    "k_chain_residual": ([1, 8, 14, 14], [(24, 1, 1, 1, "relu6"), (24, 3, 1, 24, "relu6"),
                                           (8, 1, 1, 1, "relu6")], True),
    # K = 360 runs in two blocks: partial sums in C, then bias, residual add
    # and relu on the last; 40 rows and 81 columns leave ragged blocks.
    "k_chain_deep_residual": ([1, 40, 9, 9], [(40, 3, 1, 1, "relu"), (40, 3, 1, 1, "relu")],
                              True),
    # a grouped conv (4 groups: one GEMM per group) whose bias and relu the
    # batched kernel absorbs, as in RegNet and ResNeXt.
    "k_chain_grouped": ([1, 16, 10, 10], [(16, 3, 1, 4, "relu"), (24, 1, 1, 1, "relu")],
                        False),
    # image products: the bias absorbed, the residual add and relu reading
    # the kept columns of the products, K = 400 in blocks (5x5: not
    # Winograd's 3x3).
    "k_image_residual": ([1, 16, 28, 28], [(16, 5, 1, 1, "relu"), (16, 5, 1, 1, "relu")],
                         True),
    # Winograd F(4x4, 3x3): 26x26 outputs, the last row and column of 4x4
    # tiles half outside (masked rows and columns); the output transform
    # absorbs the bias, the relu, and the residual add. Its rounding error
    # grows with the window sums (about 1e-5 of them): with weights of
    # U(-1, 1) the second conv's outputs reach ~50 and near-zero ones
    # miss atol 1e-4 by a few 1e-4, so these weights have a trained
    # layer's scale (resnet18 and repvgg_a0 match ORT to 4e-6).
    "k_winograd_residual": ([1, 32, 26, 26], [(32, 3, 1, 1, "relu"),
                                              (32, 3, 1, 1, "relu")], True, True),
    # F(2x2, 3x3) on 13x13 outputs (too few 4x4 tiles, 49 of 2x2, the last
    # ones a row and a column outside); the last conv writes the model's
    # output, so its bias stays a pass of its own and the kernel loads it.
    "k_winograd_2x2": ([1, 16, 13, 13], [(48, 3, 1, 1, "relu6"), (16, 3, 1, 1, "none")],
                       False, True),
    # 28x28 in 49 tiles split across threads, 16 -> 32 -> 16 channels.
    "k_winograd_wide": ([1, 16, 28, 28], [(32, 3, 1, 1, "relu"), (16, 3, 1, 1, "relu")],
                        True, True),
    # the same at 7x7: the depthwise runs on the flattened plane, its bias
    # and relu6 absorbed.
    "k_chain_flat_residual": ([1, 8, 7, 7], [(24, 1, 1, 1, "relu6"), (24, 3, 1, 24, "relu6"),
                                              (8, 1, 1, 1, "relu6")], True),
    # 169 columns, B unpacked: on AVX-512 the last 25 take two vectors, the
    # second masked (16 + 8 + 1 lanes otherwise), in 6 x 4 blocks (30 rows)
    # and 8 x 3 (200 rows); K = 200 runs in two blocks (partial sums
    # through masked loads and stores), and the residual add and relu read
    # the masked columns.
    "k_chain_masked_tail": ([1, 200, 13, 13], [(30, 1, 1, 1, "relu"),
                                               (200, 1, 1, 1, "relu")], True),
    # 7x7 outputs: on AVX-512 the 49th column rides along with the 48 of
    # the tile (a vector over 8 rows): K = 200 in two blocks (the column's
    # partial sums through C), then bias, residual add and relu on it.
    "k_chain_extra_column": ([1, 200, 7, 7], [(64, 1, 1, 1, "relu"),
                                              (200, 1, 1, 1, "relu")], True),
    # im2col + GEMM in bands of 8 rows of 12 (too narrow for an image
    # product, too few channels for Winograd): the second's residual add
    # and relu read the bands' rows of the input; a stride-2 conv in two
    # bands of 12 rows, its relu absorbed.
    "k_bands_residual": ([1, 8, 16, 12], [(8, 3, 1, 1, "relu"), (8, 3, 1, 1, "relu")], True),
    "k_bands_s2": ([1, 8, 48, 48], [(24, 3, 2, 1, "relu"), (24, 1, 1, 1, "relu")], False),
    # expand, depthwise 5x5 stride 2 on the phases (its bias and relu6
    # absorbed), project without an activation.
    "k_chain_phases": ([1, 8, 28, 28], [(24, 1, 1, 1, "relu6"), (24, 5, 2, 24, "relu6"),
                                        (8, 1, 1, 1, "none")], False),
    # SiLU epilogues: the depthwise convs (28 wide, stride 1, then 3x3
    # stride 2) run flattened for their cost, not for their rows.
    "k_chain_silu": ([1, 8, 28, 28], [(16, 1, 1, 1, "silu"), (16, 3, 1, 16, "silu"),
                                      (16, 3, 2, 16, "silu"), (8, 1, 1, 1, "none")], False),
    # inverted residuals in bands of rows (lwcc-cpu-fuse-depthwise-
    # pointwise, depthwise outputs of 512 KiB and more, with the expansion):
    # 32x112x112 in bands of 16 rows, each computing its 18 expanded rows
    # (16 at the edges); the projection's bias, residual add and relu6 on
    # each band's columns.
    "k_band_residual": ([1, 16, 112, 112], [(32, 1, 1, 1, "relu6"), (32, 3, 1, 32, "relu6"),
                                             (16, 1, 1, 1, "relu6")], True),
    # 5x5 stride 2 with SiLU epilogues: 48x56x56 in bands of 8 rows (the
    # row kernel, not the phases), their expanded inputs 19 rows.
    "k_band_s2_silu": ([1, 16, 112, 112], [(48, 1, 1, 1, "silu"), (48, 5, 2, 48, "silu"),
                                            (24, 1, 1, 1, "none")], False),
    # a depthwise conv without an activation (its output read by the GEMM
    # directly), rows of 90 (ragged vectors), bands of 10 rows.
    "k_band_ragged": ([1, 24, 90, 90], [(48, 1, 1, 1, "relu"), (48, 3, 1, 48, "none"),
                                         (24, 1, 1, 1, "relu")], False),
    # a depthwise conv on the model's input: no expansion to fuse, the pair
    # alone in bands (its input read in place, padding supplied).
    "k_band_input": ([1, 32, 112, 112], [(32, 3, 1, 32, "relu6"), (64, 1, 1, 1, "relu")],
                     False),
    # stem, then depthwise stride 2 with a ragged width.
    "k_chain_strided": ([1, 3, 27, 27], [(12, 3, 2, 1, "relu"), (12, 3, 2, 12, "relu6")],
                        False),
}


def conv_node(nodes, inits, name, value, cin, cout, kernel, zero_bias=False, act="relu"):
    """Appends Conv (+ Relu) reading `value`; returns the output's name."""
    w = RNG.uniform(-1, 1, (cout, cin, kernel, kernel)).astype(np.float32)
    b = (np.zeros if zero_bias else lambda n: RNG.uniform(-1, 1, n))((cout,)).astype(np.float32)
    inits += [numpy_helper.from_array(w, f"{name}_w"), numpy_helper.from_array(b, f"{name}_b")]
    nodes.append(helper.make_node("Conv", [value, f"{name}_w", f"{name}_b"], [name],
                                  name=name, kernel_shape=[kernel] * 2, pads=[kernel // 2] * 4))
    if act != "relu":
        return name
    nodes.append(helper.make_node("Relu", [name], [name + "_relu"]))
    return name + "_relu"


def concats(name):
    """Concats whose inputs the kernels write in place (lwcc-cpu-elide-concat)
    next to ones they must copy."""
    nodes, inits, c = [], [], 12
    size = 28 if name.endswith("28") else 11
    shape = [1, c, size, size]
    outputs = []
    if name.startswith("k_concat_fire"):
        # squeezenet's fire module twice (zero biases, as torchvision
        # initialises them): the first concat feeds the second fire module,
        # the second is the model's output. At 28x28 the 3x3 convs are
        # image products whose kept columns the activation writes into the
        # concat.
        value = "x"
        for i, cin in enumerate([c, 16]):
            s = conv_node(nodes, inits, f"f{i}_squeeze", value, cin, 6, 1, zero_bias=True)
            e1 = conv_node(nodes, inits, f"f{i}_e1", s, 6, 8, 1)
            e3 = conv_node(nodes, inits, f"f{i}_e3", s, 6, 8, 3, zero_bias=True)
            value = f"f{i}_cat"
            nodes.append(helper.make_node("Concat", [e1, e3], [value], axis=1, name=value))
        outputs.append((value, [1, 16, size, size]))
    else:
        # along channels: an activation (written in place) next to the graph
        # input, a max pool (not element-wise) and a conv without activation;
        # along rows (strided slices): an activation that is also an output.
        a = conv_node(nodes, inits, "a", "x", c, 5, 3)
        b = conv_node(nodes, inits, "b", "x", c, 7, 1, act=None)
        nodes.append(helper.make_node("MaxPool", ["x"], ["p"], kernel_shape=[3, 3],
                                      pads=[1, 1, 1, 1]))
        nodes.append(helper.make_node("Concat", [a, "x", "p", b], ["y"], axis=1, name="cat"))
        r1 = conv_node(nodes, inits, "r1", "x", c, 4, 1)
        r2 = conv_node(nodes, inits, "r2", "x", c, 4, 3)
        nodes.append(helper.make_node("Concat", [r1, r2], ["rows"], axis=2, name="rows"))
        outputs += [("y", [1, 5 + c + c + 7, 11, 11]), (r1, [1, 4, 11, 11]),
                    ("rows", [1, 4, 22, 11])]
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in outputs], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 7
    onnx.checker.check_model(m)
    return m


CONCATS = ["k_concat_fire", "k_concat_fire28", "k_concat_mixed"]


def squeeze_excite():
    """A squeeze-excite gate: its 1x1 convs on the pooled pixel run as one
    row times the transposed weights (37 and 70 channels: ragged vectors)."""
    nodes, inits, c = [], [], 70
    nodes.append(helper.make_node("GlobalAveragePool", ["x"], ["pooled"]))
    s = conv_node(nodes, inits, "reduce", "pooled", c, 37, 1)
    e = conv_node(nodes, inits, "expand", s, 37, c, 1, act=None)
    nodes.append(helper.make_node("Sigmoid", [e], ["gate"]))
    nodes.append(helper.make_node("Mul", ["x", "gate"], ["y"]))
    shape = [1, c, 9, 9]
    graph = helper.make_graph(
        nodes, "k_se_gate", [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape)], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 7
    onnx.checker.check_model(m)
    return m


def se_project(name, shape, out_channels, gate):
    """Squeeze-excite (sigmoid or hard-sigmoid gate) before a 1x1
    projection with bias: the gate scales the projection's B rows inside
    the GEMM kernel (lwcc-cpu-fuse-elementwise)."""
    nodes, inits, c = [], [], shape[1]
    nodes.append(helper.make_node("GlobalAveragePool", ["x"], ["pooled"]))
    s = conv_node(nodes, inits, "reduce", "pooled", c, 8, 1)
    e = conv_node(nodes, inits, "expand", s, 8, c, 1, act=None)
    if gate == "sigmoid":
        nodes.append(helper.make_node("Sigmoid", [e], ["gate"]))
    else:
        nodes.append(helper.make_node("HardSigmoid", [e], ["gate"], alpha=1 / 6, beta=0.5))
    nodes.append(helper.make_node("Mul", ["x", "gate"], ["scaled"]))
    conv_node(nodes, inits, "project", "scaled", c, out_channels, 1, act=None)
    nodes[-1].output[0] = "y"
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                       [1, out_channels, shape[2], shape[3]])], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 7
    onnx.checker.check_model(m)
    return m


def dense_tiles():
    """Two dense layers on one row (96 -> 200 -> 150, bias, relu between):
    their transposed weights packed in column tiles, the last tile ragged
    (AVX-512: 3 x 64 + 8 and 2 x 64 + 22 columns)."""
    rng = np.random.default_rng(11)
    nodes, inits = [], []
    for i, (k, n) in enumerate([(96, 200), (200, 150)]):
        inits.append(numpy_helper.from_array(
            (rng.standard_normal((n, k)) / np.sqrt(k)).astype(np.float32), f"w{i}"))
        inits.append(numpy_helper.from_array(
            rng.standard_normal(n).astype(np.float32) * 0.1, f"b{i}"))
        source = "x" if i == 0 else "h"
        nodes.append(helper.make_node("Gemm", [source, f"w{i}", f"b{i}"],
                                      ["g" if i == 0 else "y"], transB=1))
        if i == 0:
            nodes.append(helper.make_node("Relu", ["g"], ["h"]))
    graph = helper.make_graph(
        nodes, "k_dense_tiles", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 96])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 150])], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 7
    onnx.checker.check_model(m)
    return m


# name: (input shape, out channels, gate). At 28x28 (784 columns, 16 row
# blocks) B is packed and scaled as it is packed; at 7x7 it is scaled in
# the micro-kernel, the 49th column (AVX-512) included.
SE_PROJECTIONS = {
    "k_se_project": ([1, 144, 28, 28], 128, "sigmoid"),
    "k_se_project_7x7": ([1, 96, 7, 7], 64, "hard_sigmoid"),
}


def stem_pool(name, kernel, pads, size, pool_pads, ceil_mode):
    """A stem conv (stride 2, 10 channels), relu, 3x3 stride-2 max pool.
    ResNet's (k_stem_pool): 7x7, an image product on the image's phases,
    the pool padded. SqueezeNet's (k_stem3_pool): 3x3 unpadded, also a phase
    image product since only the pool reads it, the pool in ceil mode. The
    relu moves past the pool (lwnn-fuse-activations) into its epilogue,
    and the pool reads the product's kept columns in place, supplying any
    -inf border itself."""
    nodes, inits = [], []
    w = RNG.uniform(-1, 1, (10, 3, kernel, kernel)).astype(np.float32)
    b = RNG.uniform(-1, 1, (10,)).astype(np.float32)
    inits += [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")]
    nodes.append(helper.make_node("Conv", ["x", "w", "b"], ["c"], kernel_shape=[kernel, kernel],
                                  strides=[2, 2], pads=[pads] * 4))
    nodes.append(helper.make_node("Relu", ["c"], ["r"]))
    nodes.append(helper.make_node("MaxPool", ["r"], ["y"], kernel_shape=[3, 3],
                                  strides=[2, 2], pads=[pool_pads] * 4, ceil_mode=ceil_mode))
    conv = (size + 2 * pads - kernel) // 2 + 1
    rounding = 1 if ceil_mode else 0
    pooled = (conv + 2 * pool_pads - 3 + rounding) // 2 + 1
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, size, size])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10, pooled, pooled])], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 7
    onnx.checker.check_model(m)
    return m


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, spec in CASES.items():
        onnx.save(model(name, *spec), os.path.join(out, name + ".onnx"))
        print(name)
    for name, spec in CHAINS.items():
        onnx.save(chain(name, *spec), os.path.join(out, name + ".onnx"))
        print(name)
    for name, spec in POOLS.items():
        onnx.save(pool(name, *spec), os.path.join(out, name + ".onnx"))
        print(name)
    for name in CONCATS:
        onnx.save(concats(name), os.path.join(out, name + ".onnx"))
        print(name)
    onnx.save(squeeze_excite(), os.path.join(out, "k_se_gate.onnx"))
    print("k_se_gate")
    onnx.save(stem_pool("k_stem_pool", 7, 3, 45, 1, 0), os.path.join(out, "k_stem_pool.onnx"))
    print("k_stem_pool")
    onnx.save(stem_pool("k_stem3_pool", 3, 0, 47, 0, 1), os.path.join(out, "k_stem3_pool.onnx"))
    print("k_stem3_pool")
    onnx.save(dense_tiles(), os.path.join(out, "k_dense_tiles.onnx"))
    print("k_dense_tiles")
    for name, spec in SE_PROJECTIONS.items():
        onnx.save(se_project(name, *spec), os.path.join(out, name + ".onnx"))
        print(name)


if __name__ == "__main__":
    main()
