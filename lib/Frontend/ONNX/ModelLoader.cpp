//===- ModelLoader.cpp - bytes to onnx::ModelProto ------------------------===//
//
// Protobuf parsing, ONNX text parsing and external data, with every
// exception libonnx or protobuf can throw caught here.
//
//===----------------------------------------------------------------------===//

#include "ModelLoader.h"

#include "onnx/defs/parser.h"

#include <climits>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <limits>
#include <string>

namespace lwcc::onnx_import {

std::string parseModel(const char *data, size_t size, bool isText,
                       onnx::ModelProto &model) {
  try {
    if (isText) {
      std::string text(data, size);
      onnx::Status status = onnx::OnnxParser::Parse(model, text.c_str());
      if (!status.IsOK())
        return "cannot parse ONNX text: " + status.ErrorMessage();
      return "";
    }
    if (size > size_t(std::numeric_limits<int>::max()))
      return "model larger than 2 GiB; store weights as external data";
    if (!model.ParseFromArray(data, int(size)))
      return "not a valid ONNX protobuf (truncated or corrupt)";
    if (!model.has_graph())
      return "the model has no graph";
    return "";
  } catch (const std::exception &e) {
    return std::string("cannot parse the model: ") + e.what();
  } catch (...) {
    return "cannot parse the model: unknown error";
  }
}

std::string parseTensor(const char *data, size_t size, onnx::TensorProto &tensor) {
  try {
    if (size > size_t(std::numeric_limits<int>::max()))
      return "tensor file larger than 2 GiB";
    if (!tensor.ParseFromArray(data, int(size)))
      return "not a valid ONNX TensorProto (truncated or corrupt)";
    return "";
  } catch (const std::exception &e) {
    return std::string("cannot parse the tensor: ") + e.what();
  } catch (...) {
    return "cannot parse the tensor: unknown error";
  }
}

/// Resolves `location` inside `modelDir`, refusing anything that escapes it.
static std::string resolveInside(const std::string &modelDir,
                                 const std::string &location,
                                 std::string &resolved) {
  if (location.empty())
    return "external data has no location";
  if (location[0] == '/')
    return "external data location '" + location + "' is absolute";
  char dirBuf[PATH_MAX], fileBuf[PATH_MAX];
  if (!realpath(modelDir.c_str(), dirBuf))
    return "cannot resolve the model folder '" + modelDir + "'";
  std::string candidate = std::string(dirBuf) + "/" + location;
  if (!realpath(candidate.c_str(), fileBuf))
    return "external data file '" + location + "' does not exist";
  std::string dir(dirBuf), file(fileBuf);
  if (file.compare(0, dir.size() + 1, dir + "/") != 0)
    return "external data location '" + location +
           "' escapes the model's folder";
  resolved = file;
  return "";
}

std::string readExternalData(const onnx::TensorProto &tensor,
                             const std::string &modelDir,
                             std::vector<char> &bytes) {
  try {
    if (modelDir.empty())
      return "external data is not allowed for in-memory models";
    std::string location;
    long long offset = 0, length = -1;
    for (const auto &entry : tensor.external_data()) {
      if (entry.key() == "location")
        location = entry.value();
      else if (entry.key() == "offset")
        offset = std::stoll(entry.value());
      else if (entry.key() == "length")
        length = std::stoll(entry.value());
    }
    if (offset < 0)
      return "external data offset is negative";
    std::string path;
    std::string error = resolveInside(modelDir, location, path);
    if (!error.empty())
      return error;
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in)
      return "cannot open external data file '" + location + "'";
    long long fileSize = in.tellg();
    if (length < 0)
      length = fileSize - offset;
    if (offset + length > fileSize)
      return "external data '" + location + "' is shorter than offset + length";
    bytes.resize(size_t(length));
    in.seekg(offset);
    in.read(bytes.data(), length);
    if (!in)
      return "cannot read external data file '" + location + "'";
    return "";
  } catch (const std::exception &e) {
    return std::string("bad external data entry: ") + e.what();
  }
}

} // namespace lwcc::onnx_import
