# lit configuration for lwcc: MLIR/ONNX-text inputs checked with FileCheck.
# Features that need the machine (qemu-aarch64, vulkan, qemu-hexagon) are
# set by probing, so tests that need them declare REQUIRES.
import os
import shutil

import lit.formats

config.name = "lwcc"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".onnxtxt", ".test"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.lwcc_obj_root, "test")

config.environment["PATH"] = os.pathsep.join(
    [config.lwcc_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")])
# Debian's torch/onnx live in the system python, not a pyenv one.
config.substitutions.append(("%python", "/usr/bin/python3"))
config.substitutions.append(("%lwcc_src_root", config.lwcc_src_root))
config.substitutions.append(("%lwcc_obj_root", config.lwcc_obj_root))
config.substitutions.append(("%clang", os.path.join(config.llvm_tools_dir, "clang")))
config.substitutions.append(("%runtime_include",
                             os.path.join(config.lwcc_src_root, "backends", "runtime", "include")))
config.substitutions.append(("%qemu-aarch64", "qemu-aarch64 -L /usr/aarch64-linux-gnu"))
config.substitutions.append(("%lwcc_bin", config.lwcc_tools_dir))
config.substitutions.append(("%inputs", os.path.join(config.test_source_root, "Inputs")))

if shutil.which("qemu-aarch64"):
    config.available_features.add("qemu-aarch64")
if shutil.which("qemu-hexagon"):
    config.available_features.add("qemu-hexagon")
if os.path.exists("/usr/share/vulkan/icd.d/lvp_icd.x86_64.json"):
    config.available_features.add("vulkan")
if os.path.exists(os.path.join(config.lwcc_src_root, "node_modules", "onnxruntime-node")) \
        and shutil.which("node"):
    config.available_features.add("onnxruntime")
if os.system("/usr/bin/python3 -c 'import torch, torchvision, onnx' >/dev/null 2>&1") == 0:
    config.available_features.add("torch")
