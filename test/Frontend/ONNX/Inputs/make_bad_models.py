"""Writes malformed ONNX models for the bad-input tests into argv[1]."""
import os
import sys

import onnx
from onnx import TensorProto, helper

out = sys.argv[1]
os.makedirs(os.path.join(out, "model"), exist_ok=True)


def save(name, nodes, inputs, outputs, inits=(), opset=13):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    path = os.path.join(out, name)
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
    return path


x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 8, 8])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
good = save("good.onnx", [helper.make_node("Relu", ["x"], ["y"], name="act")], [x], [y])
data = open(good, "rb").read()
open(os.path.join(out, "truncated.onnx"), "wb").write(data[: len(data) // 2])

# A weight whose external data points outside the model's folder.
w = TensorProto()
w.name = "w"
w.data_type = TensorProto.FLOAT
w.dims.extend([4, 4, 1, 1])
w.data_location = TensorProto.EXTERNAL
for k, v in (("location", "../secret.bin"), ("offset", "0"), ("length", "64")):
    e = w.external_data.add()
    e.key, e.value = k, v
open(os.path.join(out, "secret.bin"), "wb").write(b"\0" * 64)
save("model/escape.onnx", [helper.make_node("Conv", ["x", "w"], ["y"], name="conv")], [x], [y], [w])

big = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, -5, 8, 8])
save("negative_dim.onnx", [helper.make_node("Relu", ["x"], ["y"], name="act")], [big], [y])
