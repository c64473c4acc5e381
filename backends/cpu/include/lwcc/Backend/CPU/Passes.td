//===- Passes.td - CPU backend passes ----------------------*- tablegen -*-===//
//
// The CPU backend's own passes, between linalg on tensors and LLVM.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_BACKEND_CPU_PASSES_TD
#define LWCC_BACKEND_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def PrepareEntryPass : Pass<"lwcc-cpu-prepare-entry", "::mlir::func::FuncOp"> {
  let summary = "Mark the model's input buffers read-only before bufferisation";
  let description = [{
    The caller owns the input buffers and may reuse them, so one-shot
    bufferisation must never write into a function argument: every argument
    of a public function gets `bufferization.writable = false`.

    A value returned as two outputs is copied so each output has its own
    buffer (buffer-results-to-out-params needs distinct results).

    A zero-size tensor of rank > 1 (e.g. `tensor<20x0x5xf32>`) crosses the
    entry as `tensor<0xf32>`, reshaped inside: MLIR's bare-pointer calling
    convention cannot describe a multi-dimensional memref with no elements.
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::linalg::LinalgDialect"];
}

def ForwardOutputsPass : Pass<"lwcc-cpu-forward-outputs", "::mlir::func::FuncOp"> {
  let summary = "Compute outputs in the caller's buffers instead of copying them there";
  let description = [{
    After buffer-results-to-out-params an output whose tensor came back
    through reshapes of its buffer (a conv's GEMM view) is computed in an
    allocation and then copied into the caller's output buffer. Where the
    copy's source reshapes a whole `memref.alloc` of identity layout that
    nothing uses after the copy, and the output argument has no other use,
    the allocation is replaced by a view of the output argument with its
    shape and the copy is erased: the producing kernel stores into the
    caller's buffer, and the arena does not hold the tensor.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
  let statistics = [Statistic<"numForwarded", "num-forwarded", "Output copies replaced by writes in place">];
}

def PlanArenaPass : Pass<"lwcc-plan-arena", "::mlir::func::FuncOp"> {
  let summary = "Place every intermediate buffer in one static arena by liveness";
  let description = [{
    After bufferisation each intermediate tensor is a `memref.alloc` in the
    function body. This pass computes each buffer's live range (its
    allocation to its last use, through views), packs buffers whose ranges
    do not overlap into the same bytes (largest first, lowest free offset),
    replaces each alloc with a `memref.view` into a new trailing function
    argument `memref<Nxi8>` (the arena the context owns) and records N in
    the function's `lwcc.arena_bytes` attribute. Allocations it cannot place
    (dynamic shapes, inside loops) are reported as errors: a generated
    library never calls malloc while it runs.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect", "::mlir::arith::ArithDialect"];
  let options = [
    Option<"alignment", "alignment", "int64_t", "64",
           "Byte alignment of every buffer in the arena">
  ];
  let statistics = [
    Statistic<"numBuffers", "num-buffers", "Buffers placed in the arena">,
    Statistic<"naiveBytes", "naive-bytes", "Bytes without reuse">,
    Statistic<"arenaBytes", "arena-bytes", "Bytes of the planned arena">
  ];
}

def LowerCopiesPass : Pass<"lwcc-cpu-lower-copies", "::mlir::func::FuncOp"> {
  let summary = "Turn memref.copy into vector row copies or linalg.copy";
  let description = [{
    `memref.copy` between strided views lowers to a call into MLIR's C
    runner library, which a generated library must not depend on. Between
    static views with contiguous rows (at least 4 elements) it becomes
    loops over the rows, each row vector loads and stores of up to 16
    lanes, the outermost loop over more than one row marked `lwcc.parallel`;
    other copies become `linalg.copy` (ordinary loops).
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect"];
}

def FlattenConstantsPass : Pass<"lwcc-cpu-flatten-constants", "::mlir::ModuleOp"> {
  let summary = "Store constant buffers as flat 1-D globals";
  let description = [{
    A rank-4 weight global becomes nested LLVM arrays, one uniqued constant
    per innermost row: tens of thousands of constants per model and most of
    the compile time. A flat global is one constant blob; each
    `memref.get_global` then expands it back to the shape its users need.
    Private constant globals nothing reads (weights the kernels read packed
    instead) are erased.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def ExpandMathPass : Pass<"lwcc-cpu-expand-math", "::mlir::func::FuncOp"> {
  let summary = "Replace math functions that would call libm with inline code";
  let description = [{
    The generated library depends on libc only, so exp, tanh, log, pow,
    floor, ceil, round and fma become polynomial approximations and integer
    tricks in arith. sqrt and abs stay: they are single instructions.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

def ConvToGemmPass : Pass<"lwcc-cpu-conv-to-gemm", "::mlir::func::FuncOp"> {
  let summary = "Batch-1 convolutions as matrix products (im2col where needed)";
  let description = [{
    `linalg.conv_2d_nchw_fchw` on a batch-1 float tensor becomes
    `linalg.matmul` of the filter viewed as [O, C*KH*KW] and a column matrix
    [C*KH*KW, OH*OW], accumulating into the output viewed as [O, OH*OW]. A
    1x1 stride-1 convolution uses its input as the column matrix; any other
    window gets an im2col copy (`linalg.generic`) that applies stride and
    dilation. The grouped form becomes `linalg.batch_matmul`, one product per
    group. The products then run on `lwcc-cpu-emit-kernels`' GEMM kernel.

    With `image-products` (the default), a k x k convolution whose output
    rows are wide enough skips the im2col: its product is a
    `linalg.generic` over the padded image flattened to [C, Hp*Wp] (a
    stride splits the image into its phases first), output pixel (y, x)
    column y*Wp + x, tap (ky, kx) of channel c the image's row c shifted by
    ky*Wp + kx. The columns past each output row are computed and dropped:
    the convolution's result is a slice of a [1, F, OH, Wp] product.

    With `winograd` (the default), a 3x3 stride-1 convolution with constant
    filters and at least 16 input and output channels runs as Winograd's
    F(4x4, 3x3) where its output has at least 49 tiles of 4x4, else as
    F(2x2, 3x3) where it has 49 tiles of 2x2: a `linalg.generic` transforms
    each input tile (kind `winograd-input`), the filters are transformed at
    compile time, one `linalg.batch_matmul` multiplies the positions of the
    transformed tiles ([36, F, C] x [36, C, tiles] for F(4x4)), and a second
    generic (kind `winograd-output`) turns each product tile back into
    outputs, accumulated into the convolution's init. F(4x4) takes 36
    multiply-adds per tile and channel pair where the direct form takes
    144, F(2x2) 16 for 36; the library carries 4x, resp. 16/9, the filters.
    `lwcc-cpu-emit-kernels` gives the transforms vector kernels.
  }];
  let options = [
    Option<"imageProducts", "image-products", "bool", "true",
           "Read k x k convolutions' column matrices from the image where that pays">,
    Option<"winograd", "winograd", "bool", "true",
           "Run 3x3 stride-1 convolutions with constant filters as Winograd F(4x4, 3x3) or F(2x2, 3x3)">,
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect"];
}

def FuseDepthwisePointwisePass : Pass<"lwcc-cpu-fuse-depthwise-pointwise", "::mlir::func::FuncOp"> {
  let summary = "Run a depthwise conv and the pointwise conv reading it in bands of rows";
  let description = [{
    On buffers, before the arena is planned. A batch-1
    `linalg.depthwise_conv_2d_nchw_chw` whose output, after an optional
    element-wise op on it alone (its activation), only a `linalg.matmul`
    reads as its B (a pointwise conv, `[C, H*W]`) is prepared for
    lwcc-cpu-emit-kernels' band kernel, which computes per band of output
    rows the depthwise rows into a stack buffer and the GEMM's columns of
    them from it, so the depthwise output never goes to memory. The conv,
    its bias broadcast and its activation move to just before the GEMM (if
    nothing in between touches what they read or write); a keep-alive load
    of the conv's input after the GEMM's consumer keeps the input's bytes
    from being reused while the bands run; the conv gets `lwcc.band_rows`.

    Where the conv's input is a zero-padded copy of a pointwise conv's
    output (after its activation) that nothing else reads, as in an
    inverted residual's expansion, that conv moves along too and the conv
    gets `lwcc.band_expand`: each band then also computes the expansion's
    rows its windows read (the rows bands share are computed by both) into
    a second stack buffer, so neither the expanded tensor nor the padded
    copy exists; a keep-alive load of the expansion's input joins the
    other.

    Only outputs of at least `min-bytes` are taken (smaller ones stay in
    cache between the two kernels anyway). Rows per band: the most, up to
    16, that divide the height into two or more bands with `[C, rows, W]`
    within `band-bytes` (with the expansion: that and the band's expanded
    rows within `expand-band-bytes`).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect"];
  let options = [
    Option<"minBytes", "min-bytes", "int64_t", "512 * 1024",
           "Smallest depthwise output (bytes) worth fusing">,
    Option<"bandBytes", "band-bytes", "int64_t", "128 * 1024",
           "Most bytes of depthwise output per band">,
    Option<"expand", "expand", "bool", "true",
           "Also fuse the pointwise conv computing the depthwise conv's padded input (an inverted residual's expansion)">,
    Option<"expandBandBytes", "expand-band-bytes", "int64_t", "512 * 1024",
           "With the expansion: most bytes of expanded input rows and depthwise output per band">
  ];
  let statistics = [
    Statistic<"numFused", "num-fused", "Depthwise + pointwise pairs tagged for the band kernel">,
    Statistic<"numExpanded", "num-expanded", "... of them with their expansion">
  ];
}

def MarkImplicitPadsPass : Pass<"lwcc-cpu-mark-implicit-pads", "::mlir::func::FuncOp"> {
  let summary = "Keep the sources of depthwise convs' and pools' pads live for the kernels";
  let description = [{
    Runs on bufferised code before the arena is planned. A depthwise conv
    or pool whose input is a buffer filled with the pad value the kernel can
    supply (zero; -inf for a max pool) with the source copied into its
    interior, read by nothing else, could read the source itself; the
    planner would hand the source's bytes to other buffers once the copy is
    done, though. This pass adds a load of the source, tagged
    `lwcc.keep_alive`, after the conv and the op after it that touches the
    conv's output (a consumer the kernel may absorb), so the source stays
    live through both. `lwcc-cpu-emit-kernels` folds the pad where it finds
    the tag and drops the fill, the copy and the tag.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect", "::mlir::arith::ArithDialect"];
  let statistics = [
    Statistic<"numMarked", "num-marked", "Padded depthwise and pool inputs marked">
  ];
}

def PackWeightsPass : Pass<"lwcc-cpu-pack-weights", "::mlir::ModuleOp"> {
  let summary = "Pack constant GEMM weights in the order the GEMM kernel reads them";
  let description = [{
    For each GEMM the kernel will emit (`linalg.matmul`, or a convolution's
    image product) whose A operand is a constant global (through
    `memref.collapse_shape` views), adds a private global with A packed
    [ceil(M/R), K, R] for the target's register block of R rows (the last
    block's missing rows zero) and names it in the op's `lwcc.packed_a`
    attribute; `lwcc-cpu-emit-kernels` then reads A from it, one contiguous
    run per row block. A `linalg.batch_matmul` with a constant A [B, M, K]
    (a grouped convolution's weights, a Winograd convolution's transformed
    filters) gets each batch's matrix packed in turn, [B, ...]. The unpacked
    global, unused afterwards, goes in `lwcc-cpu-flatten-constants`.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", "256",
           "Width of the target's vector registers in bits">,
    Option<"vectorRegisters", "vector-registers", "int64_t", "16",
           "Number of vector registers">,
  ];
  let statistics = [
    Statistic<"numPacked", "packed-gemms", "GEMMs reading packed weights">,
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def EmitKernelsPass : Pass<"lwcc-cpu-emit-kernels", "::mlir::func::FuncOp"> {
  let summary = "Register-blocked vector kernels for GEMMs, depthwise convolutions and pools";
  let description = [{
    Replaces static-shaped float `linalg.matmul`, `linalg.batch_matmul`,
    `linalg.depthwise_conv_2d_nchw_chw`, `linalg.pooling_nchw_{max,sum}`
    and sum/max `linalg.generic`
    reductions over trailing dimensions on memrefs with loop nests of vector
    operations sized for the target: the GEMM keeps an MR x NR block of C in
    vector registers while it walks K (one broadcast of A and one load of B
    per multiply-add), K in blocks so a K_c x NR panel of B stays in L1 and
    a K_c x N_c block in L2 while a parallel iteration's row blocks walk it;
    the window kernel (depthwise conv, max and sum pools, and the im2col
    copy, which stores each tap to its own row instead) keeps a row
    segment of outputs in registers across the KH x KW taps, stride 2 by
    de-interleaving shuffles, and reads a padded input's source directly
    where lwcc-cpu-mark-implicit-pads kept it live (border taps load inside
    the row and shuffle the pad value in).
    Ragged edges use narrower vectors (powers of two down to one lane), never
    masks or reads past a buffer. The transforms of a Winograd convolution
    (kinds `winograd-input` and `winograd-output`) get kernels vectorised
    along a row of tiles: per channel, the window's image rows loaded,
    each tap's lanes picked by shuffles, constant-coefficient arithmetic
    into the positions' rows; and the products' rows back into output rows
    (interleaved by shuffles), the bias and the element-wise consumer
    applied (masked where the last tiles overhang the output). A depthwise
    conv tagged `lwcc.band_rows` (lwcc-cpu-fuse-depthwise-pointwise) and
    the GEMM reading it become one parallel loop over bands of output rows:
    per band the window kernel writes the band's depthwise rows to a stack
    buffer and the GEMM kernel computes its columns of the pointwise output
    from it (bands whose windows reach past the image get code of their
    own; a pair the kernels cannot take gets its two kernels as usual).
    With `column-bands`, an im2col whose column matrix only a GEMM reads
    and that GEMM likewise become one parallel loop over bands of output
    rows: per band the window kernel copies the band's columns to a stack
    buffer (at most 128 KiB) and the GEMM kernel computes the band's output
    columns from it.
    Everything else is left to the loop lowering.
  }];
  let dependentDialects = ["::mlir::vector::VectorDialect", "::mlir::scf::SCFDialect",
                           "::mlir::memref::MemRefDialect", "::mlir::arith::ArithDialect",
                           "::mlir::affine::AffineDialect"];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", "256",
           "Width of the target's vector registers in bits (128 NEON, 256 AVX2, 512 AVX-512)">,
    Option<"vectorRegisters", "vector-registers", "int64_t", "16",
           "Number of vector registers (16 AVX2, 32 NEON and AVX-512)">,
    Option<"columnBands", "column-bands", "bool", "true",
           "Run an im2col and the GEMM reading it in bands of output rows">
  ];
  let statistics = [
    Statistic<"numGemms", "num-gemms", "GEMMs given the register-blocked kernel">,
    Statistic<"numColumnBands", "num-column-bands", "im2col + GEMM pairs run in bands of rows">,
    Statistic<"numWindows", "num-windows", "Depthwise convolutions and pools given the window kernel">,
    Statistic<"numReductions", "num-reductions", "Trailing-dimension reductions vectorised">,
    Statistic<"numImplicitPads", "num-implicit-pads", "Pads the window kernel supplies itself">,
    Statistic<"numWinogradInputs", "num-winograd-inputs", "Winograd input transforms vectorised">,
    Statistic<"numWinogradOutputs", "num-winograd-outputs", "Winograd output transforms vectorised">,
    Statistic<"numBands", "num-bands", "Depthwise + pointwise pairs run in bands of rows">,
    Statistic<"numChannelsLastDepthwise", "num-channels-last-depthwise", "NHWC depthwise convolutions vectorised along the channels">,
    Statistic<"numTransposes", "num-transposes", "NCHW <-> NHWC transposes in 8x8 blocks">
  ];
}

def OutlineParallelPass : Pass<"lwcc-cpu-outline-parallel", "::mlir::ModuleOp"> {
  let summary = "Run loops marked lwcc.parallel on the runtime's thread pool";
  let description = [{
    Each `scf.for` marked `lwcc.parallel` (constant bounds, no results)
    becomes a private task function `lwcc_task_<i>` taking the entry
    function's arguments plus an iteration range, and a call of
    `lwcc_dispatch_<i>` (declared here, defined when the LLVM module is
    built) that splits the iterations across the context's threads. The
    entry function gains a trailing `lwcc.context` argument, the runtime
    context the dispatch needs. The views a loop reads are rebuilt inside
    the task from the entry's arguments; a loop that reads anything else
    stays serial. A body that reads where its iterations end (an
    `arith.addi %iv, %step` marked `lwcc.range_end`) runs once per thread
    for the thread's whole run of iterations, that end becoming the run's.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect", "::mlir::arith::ArithDialect"];
  let statistics = [Statistic<"numOutlined", "num-outlined", "Loops outlined as tasks">];
}

def HoistAllocasPass : Pass<"lwcc-cpu-hoist-allocas", "::mlir::func::FuncOp"> {
  let summary = "Allocate fixed-size stack buffers once per function call";
  let description = [{
    A `memref.alloca` of static shape inside a loop allocates afresh on
    every iteration (its storage lives until the function returns), so the
    stack grows with the trip count. Kernels allocate their scratch (the
    GEMM's packed tile of B) inside the iteration that uses it; this moves
    each such alloca to the entry block of its function. Run after
    `lwcc-cpu-outline-parallel`, a task function's scratch is then
    allocated once per task, on the stack of the thread running it.
    Allocas inside a `memref.alloca_scope` keep their place.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
  let statistics = [Statistic<"numHoisted", "num-hoisted", "Allocas moved to the entry block">];
}

def ProfilePass : Pass<"lwcc-cpu-profile", "::mlir::ModuleOp"> {
  let summary = "Time every kernel and loop nest of the entry function";
  let description = [{
    Brackets each op of the entry function that does work with
    `lwcc_internal_clock` and `lwcc_internal_profile(ctx, id, start)` (the
    runtime adds the time to entry `id` of the context's profile) and
    records each entry's name (ONNX node and what ran), kind (pointwise,
    conv-gemm, depthwise, elementwise, copy, ...) and floating-point
    operations in the module attribute `lwcc.profile`. Runs on memrefs,
    before the kernels replace the linalg ops in place.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect", "::mlir::arith::ArithDialect"];
  let statistics = [Statistic<"numProbes", "num-probes", "Profile entries">];
}

def FuseElementwisePass : Pass<"lwcc-cpu-fuse-elementwise", "::mlir::func::FuncOp"> {
  let summary = "Fuse chains of all-parallel linalg.generic ops (not into GEMMs)";
  let description = [{
    linalg's element-wise fusion, with its reshape propagation, limited to
    producers and consumers that are all-parallel `linalg.generic` ops (or
    reshapes between them): named ops and reductions keep their form, so
    the GEMMs stay GEMMs for the kernels. Then two rewrites for the GEMM
    kernel: an element-wise op of one input on an image product's kept
    columns, read only by a padded copy, runs on the whole product (the
    kernel absorbs it); and a matmul whose B is an image times a
    [1, C, 1, 1] gate (squeeze-excite) becomes a GEMM generic that scales
    B's rows, `C[m, n] += A[m, k] * (s[k] * B[k, n])`.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
}

def ChooseLayoutPass : Pass<"lwcc-cpu-choose-layout", "::mlir::func::FuncOp"> {
  let summary = "Run chains of depthwise and pointwise convs channels-last (NHWC)";
  let description = [{
    lwnn's tensors are NCHW, and so is every kernel of the CPU backend
    until this pass. It rewrites, on linalg tensors after
    `lwcc-cpu-conv-to-gemm`, the convs that have an NHWC form the kernels
    take (depthwise convs, and pointwise convs as the GEMM
    [H*W, Cin] x [Cin, Cout] with the weights transposed at compile time)
    and then the element-wise ops, pads and destinations of their
    neighbourhood, so that a chain of such layers passes NHWC tensors from
    one to the next. Where an NHWC value meets an op that stays NCHW (a
    stem, a pool, a concat, the model's output) a `linalg.transpose`
    converts it.

    `layout=nhwc` rewrites every depthwise and pointwise conv it can;
    `layout=auto` rewrites the pointwise convs its cost model (see
    ChooseLayout.cpp) expects to run faster channels-last, where two of
    them are neighbours in a chain, and what follows their layout. The
    model was measured with 512-bit vectors (`vector-bits`); on narrower
    ones auto keeps NCHW.
  }];
  let options = [
    Option<"layout", "layout", "std::string", "\"auto\"",
           "nhwc (every conv it can) or auto (where it pays)">,
    Option<"vectorBits", "vector-bits", "int64_t", "512",
           "The target's vector width: auto's cost model was measured on 512 "
           "bits and keeps NCHW on narrower vectors">
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
  let statistics = [Statistic<"numChannelsLast", "num-channels-last",
                              "Ops rewritten to NHWC">,
                    Statistic<"numTransposes", "num-transposes",
                              "Layout transposes at chain boundaries">];
}

def UntieInitsPass : Pass<"lwcc-cpu-untie-inits", "::mlir::func::FuncOp"> {
  let summary = "Give each op its own empty or constant-filled destination";
  let description = [{
    CSE merges equal `tensor.empty` ops and equal constant fills of them
    (every conv whose bias folded to zero starts from the same zero
    tensor). One-shot bufferisation then gives the shared value one buffer
    and copies it for every op that writes into it but the first. Each use
    of such a value after the first gets its own clone of the fill (and of
    the empty under it), which costs nothing: a kernel absorbs the fill.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect", "::mlir::linalg::LinalgDialect"];
  let statistics = [Statistic<"numUntied", "num-untied", "Uses given their own destination">];
}

def ElideConcatPass : Pass<"lwcc-cpu-elide-concat", "::mlir::func::FuncOp"> {
  let summary = "Let element-wise producers write straight into their concat's buffer";
  let description = [{
    A concat lowers to `tensor.insert_slice`s of its inputs into a
    `tensor.empty`; bufferised, each insert is a copy of the whole input.
    When an input is the result of an all-parallel `linalg.generic` (a
    conv's activation, which the GEMM kernel then absorbs as its epilogue)
    whose init is a `tensor.empty` of its own, that init becomes a
    `tensor.extract_slice` of the concat's buffer: the generic writes its
    slice in place and one-shot bufferisation finds nothing left to copy.

    Only slices that are one contiguous block of the concat are taken (the
    channels of a batch-1 NCHW tensor): a strided slice would cost the
    kernels their unit-stride rows.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
  let statistics = [Statistic<"numElided", "num-elided", "Concat inputs written in place">];
}

def ParallelLoopsPass : Pass<"lwcc-cpu-parallel-loops", "::mlir::func::FuncOp"> {
  let summary = "Mark the entry's top-level parallel loop nests for the thread pool";
  let description = [{
    Each `scf.parallel` (from `convert-linalg-to-parallel-loops`) directly in
    the function body becomes nested `scf.for` loops, the outermost marked
    `lwcc.parallel` when it has at least two iterations, for
    `lwcc-cpu-outline-parallel`.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
  let statistics = [Statistic<"numMarked", "num-marked", "Loop nests marked parallel">];
}

#endif // LWCC_BACKEND_CPU_PASSES_TD
