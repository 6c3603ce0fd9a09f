package org.sparkgrad.tensor;

import java.util.Arrays;
import java.util.List;
import org.sparkgrad.backend.Backend;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.backend.Storage;
import org.sparkgrad.backend.cpu.CpuBackend;

/**
 * An n-dimensional array of one {@link DType} on one {@link Device}, contiguous and row-major, with
 * reverse-mode automatic differentiation, as PyTorch's {@code torch.Tensor}.
 *
 * <p>Ops return new tensors; views ({@link #reshape}, {@link #view}, {@link #detach}) share the
 * storage. Elementwise ops broadcast as NumPy and PyTorch do. A tensor created with {@link
 * #requiresGrad(boolean) requiresGrad(true)} is a leaf: ops on it record a graph, and {@link
 * #backward()} accumulates the gradient into {@link #grad()}.
 *
 * <p>What it does not do: strided views (transpose copies), dtype promotion between tensors (the
 * dtypes of both operands must match; Java numbers take the tensor's dtype), complex numbers,
 * in-place ops that are tracked by autograd.
 */
public final class Tensor {
  private final Storage storage;
  private final int[] shape;
  private boolean requiresGrad;
  private boolean retainGrad;
  // Created when a gradient first arrives: most tensors (intermediates) never hold one.
  private GradSlot gradSlot;
  private GradFn gradFn;

  Tensor(Storage storage, int[] shape) {
    if (storage.size() != Shapes.numel(shape)) {
      throw new IllegalArgumentException(
          "shape "
              + Shapes.str(shape)
              + " needs "
              + Shapes.numel(shape)
              + " elements, storage has "
              + storage.size());
    }
    this.storage = storage;
    this.shape = shape.clone();
  }

  // ---------------------------------------------------------------- factories

  /** A float32 tensor holding a copy of {@code data} in the given shape (1-D if none given). */
  public static Tensor of(float[] data, int... shape) {
    return Factories.copyOf(data, data.length, shape);
  }

  /** A float64 tensor holding a copy of {@code data}. */
  public static Tensor of(double[] data, int... shape) {
    return Factories.copyOf(data, data.length, shape);
  }

  /** An int64 tensor holding a copy of {@code data}; labels and indices. */
  public static Tensor ofLongs(long[] data, int... shape) {
    return Factories.copyOf(data, data.length, shape);
  }

  /**
   * A float32 CPU tensor over {@code data} itself, not a copy: writes to either are seen by both.
   * For data loaders and trainers that fill arrays and hand them over without a second copy.
   */
  public static Tensor wrap(float[] data, int... shape) {
    return Factories.over(CpuBackend.wrap(data), shape);
  }

  /** A float64 CPU tensor over {@code data} itself, not a copy. */
  public static Tensor wrap(double[] data, int... shape) {
    return Factories.over(CpuBackend.wrap(data), shape);
  }

  /** An int64 CPU tensor over {@code data} itself, not a copy. */
  public static Tensor wrapLongs(long[] data, int... shape) {
    return Factories.over(CpuBackend.wrap(data), shape);
  }

  /** A 0-d float32 tensor. */
  public static Tensor scalar(double value) {
    return full(value, DType.FLOAT32);
  }

  /** A tensor of {@code shape} filled with zeros. */
  public static Tensor zeros(int... shape) {
    return zeros(DType.FLOAT32, shape);
  }

  /** A tensor of the given dtype filled with zeros. */
  public static Tensor zeros(DType dtype, int... shape) {
    return new Tensor(Backends.cpu().allocate(dtype, Shapes.numel(shape)), shape);
  }

  /** A float32 tensor filled with ones. */
  public static Tensor ones(int... shape) {
    return full(1, DType.FLOAT32, shape);
  }

  /** A float32 tensor filled with {@code value}. */
  public static Tensor full(double value, int... shape) {
    return full(value, DType.FLOAT32, shape);
  }

  /** A tensor of the given dtype filled with {@code value}. */
  public static Tensor full(double value, DType dtype, int... shape) {
    return Factories.full(value, dtype, shape);
  }

  /** {@code 0, 1, ..., end-1} as int64, as {@code torch.arange(end)}. */
  public static Tensor arange(long end) {
    return Factories.arange(end);
  }

  /** {@code start, start+step, ...} below {@code end}, as float32. */
  public static Tensor arange(double start, double end, double step) {
    return Factories.arange(start, end, step);
  }

  /** Uniform on [0, 1), float32, from {@code generator} (held for the whole draw). */
  public static Tensor rand(Generator generator, int... shape) {
    return Factories.rand(generator, false, shape);
  }

  /** Standard normal, float32, from {@code generator} (held for the whole draw). */
  public static Tensor randn(Generator generator, int... shape) {
    return Factories.rand(generator, true, shape);
  }

  /** Uniform on [0, 1), float32, from the default generator, as {@code torch.rand(*size)}. */
  public static Tensor rand(int... shape) {
    return rand(Generator.defaultGenerator(), shape);
  }

  /** Standard normal, float32, from the default generator, as {@code torch.randn(*size)}. */
  public static Tensor randn(int... shape) {
    return randn(Generator.defaultGenerator(), shape);
  }

  /**
   * Re-seeds the JVM-wide default generator, as {@code torch.manual_seed(seed)}, and returns it;
   * see {@link Generator} for what it feeds and how threads share it.
   */
  public static Generator manualSeed(long seed) {
    return Generator.defaultGenerator().manualSeed(seed);
  }

  // ------------------------------------------------ torch.tensor(data): float32 or int64 as Python

  /** A float32 vector, as {@code torch.tensor([1.5, 2.0])}. */
  public static Tensor tensor(float[] data) {
    return of(data);
  }

  /** A float32 vector (PyTorch's default dtype for Python floats), as {@code torch.tensor}. */
  public static Tensor tensor(double[] data) {
    return Literals.floats(data);
  }

  /** A float32 matrix, one row per array, as {@code torch.tensor([[1., 2.], [3., 4.]])}. */
  public static Tensor tensor(float[][] rows) {
    return Literals.floats(rows);
  }

  /** A float32 matrix, one row per array. */
  public static Tensor tensor(double[][] rows) {
    return Literals.floats(rows);
  }

  /** An int64 vector, as {@code torch.tensor([0, 2, 1])}. */
  public static Tensor tensor(long[] data) {
    return ofLongs(data);
  }

  /** An int64 vector. */
  public static Tensor tensor(int[] data) {
    return Literals.longs(data);
  }

  /** An int64 matrix, one row per array. */
  public static Tensor tensor(long[][] rows) {
    return Literals.longs(rows);
  }

  /** An int64 matrix, one row per array. */
  public static Tensor tensor(int[][] rows) {
    return Literals.longs(rows);
  }

  /** A 0-d float32 tensor, as {@code torch.tensor(3.5)}. */
  public static Tensor tensor(double value) {
    return scalar(value);
  }

  /** A 0-d int64 tensor, as {@code torch.tensor(7)}. */
  public static Tensor tensor(long value) {
    return ofLongs(new long[] {value}).reshape();
  }

  /** The {@code n x n} float32 identity. */
  public static Tensor eye(int n) {
    return Factories.eye(n);
  }

  /** Zeros with this tensor's shape, dtype and device. */
  public Tensor zerosLike() {
    return new Tensor(backend().allocate(dtype(), numel()), shape);
  }

  /** Ones with this tensor's shape, dtype and device. */
  public Tensor onesLike() {
    Tensor t = zerosLike();
    backend().fill(t.storage, 1);
    return t;
  }

  /**
   * Uniform on [0, 1) from the default generator, with this tensor's shape, dtype and device, as
   * {@code torch.rand_like(x)} (drawn in float32, then converted); this tensor must be
   * floating-point.
   */
  public Tensor randLike() {
    return Literals.like(this, "randLike", rand(shape));
  }

  /** Standard normal values shaped as this tensor, as {@code torch.randn_like(x)}. */
  public Tensor randnLike() {
    return Literals.like(this, "randnLike", randn(shape));
  }

  /** A zero-filled tensor on {@code like}'s device. */
  static Tensor allocate(Tensor like, DType dtype, int[] shape) {
    return new Tensor(like.backend().allocate(dtype, Shapes.numel(shape)), shape);
  }

  /**
   * An uninitialised tensor on {@code like}'s device, for an op that writes every element before
   * reading any (see {@link Backend#allocateForOverwrite}).
   */
  static Tensor allocateForOverwrite(Tensor like, DType dtype, int[] shape) {
    return new Tensor(like.backend().allocateForOverwrite(dtype, Shapes.numel(shape)), shape);
  }

  /** A tensor over an existing storage (a view when the storage is shared). */
  static Tensor over(Storage storage, int[] shape) {
    return new Tensor(storage, shape);
  }

  /** A 0-d tensor of {@code value} in this tensor's dtype, on its device. */
  Tensor scalarLike(double value) {
    Tensor t = new Tensor(backend().allocate(dtype(), 1), new int[0]);
    backend().fill(t.storage, value);
    return t;
  }

  // ---------------------------------------------------------------- properties

  /** The sizes of each dimension (a copy). */
  public int[] shape() {
    return shape.clone();
  }

  /** The sizes of each dimension, as PyTorch's {@code size()}: the same as {@link #shape()}. */
  public int[] size() {
    return shape();
  }

  /** The size of dimension {@code dim} (negative counts from the end). */
  public int size(int dim) {
    return shape[Shapes.axis(dim, shape.length)];
  }

  /** The number of dimensions. */
  public int dim() {
    return shape.length;
  }

  /** The number of elements. */
  public int numel() {
    return storage.size();
  }

  public DType dtype() {
    return storage.dtype();
  }

  public Device device() {
    return storage.device();
  }

  /** The storage; for backends and layers that call them directly. */
  public Storage storage() {
    return storage;
  }

  /** The backend of this tensor's device. */
  public Backend backend() {
    return Backends.of(storage.device());
  }

  int[] rawShape() {
    return shape;
  }

  // ---------------------------------------------------------------- data out

  /** The value of a one-element tensor. */
  public double item() {
    if (numel() != 1) {
      throw new IllegalStateException(
          "item() needs a tensor with one element, this one has shape " + Shapes.str(shape));
    }
    return toDoubleArray()[0];
  }

  /** A copy of the elements as floats, in row-major order. */
  public float[] toFloatArray() {
    return ElementCopies.floats(backend().toArray(storage));
  }

  /** A copy of the elements as doubles, in row-major order. */
  public double[] toDoubleArray() {
    return ElementCopies.doubles(backend().toArray(storage));
  }

  /** A copy of the elements as longs (floats truncated toward zero). */
  public long[] toLongArray() {
    return ElementCopies.longs(backend().toArray(storage));
  }

  // ---------------------------------------------------------------- conversion

  /** This tensor on {@code target}; the same tensor if already there. Differentiable. */
  public Tensor to(Device target) {
    return ShapeOps.toDevice(this, target);
  }

  /** This tensor on the device named {@code cpu}, {@code cuda} or {@code cuda:N}, as PyTorch. */
  public Tensor to(String device) {
    return to(Device.parse(device));
  }

  /** This tensor on the CPU, as {@code x.cpu()}. */
  public Tensor cpu() {
    return to(Device.CPU);
  }

  /** This tensor on {@code cuda:0}, as {@code x.cuda()}. */
  public Tensor cuda() {
    return to(Device.cuda(0));
  }

  /** {@link #to(DType)}, by the name of PyTorch's {@code x.type(torch.float)}. */
  public Tensor type(DType target) {
    return to(target);
  }

  /** This tensor converted to {@code target}; the same tensor if already of it. */
  public Tensor to(DType target) {
    return ShapeOps.toDType(this, target);
  }

  /** A copy with its own storage. Differentiable. */
  public Tensor copy() {
    return ShapeOps.copy(this);
  }

  /** A view of the same storage that is cut from the graph and does not require grad. */
  public Tensor detach() {
    return new Tensor(storage, shape);
  }

  // ---------------------------------------------------------------- autograd

  /** A scope without graph recording, as {@code with torch.no_grad():}; see {@link NoGrad}. */
  public static NoGrad noGrad() {
    return NoGrad.enter();
  }

  /** True if a gradient will be computed for this tensor. */
  public boolean requiresGrad() {
    return requiresGrad;
  }

  /** Marks a leaf tensor to have its gradient accumulated by {@link #backward()}. Returns this. */
  public Tensor requiresGrad(boolean value) {
    if (gradFn != null && !value) {
      throw new IllegalStateException(
          "requiresGrad(false) on a non-leaf tensor; use detach() to cut it from the graph");
    }
    if (value && !dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(
          "only floating-point tensors can require gradients, this one is " + dtype());
    }
    this.requiresGrad = value;
    return this;
  }

  /** The accumulated gradient of a leaf, or null before any {@link #backward()}. */
  public Tensor grad() {
    return gradSlot == null ? null : gradSlot.read();
  }

  /**
   * The gradient buffer as kept, for the ops that write into it: after {@code zeroGrad(false)} its
   * contents are stale and {@link #takeZeroedGrad()} is true.
   */
  Tensor keptGrad() {
    return gradSlot == null ? null : gradSlot.kept();
  }

  /**
   * True once after {@code zeroGrad(false)}: the caller is about to overwrite the whole kept buffer
   * (a GEMM with {@code beta = 0}, a copy) instead of adding into zeros.
   */
  boolean takeZeroedGrad() {
    return gradSlot != null && gradSlot.takeZeroed();
  }

  /** Replaces the gradient (null clears it); it must match this tensor's shape. */
  public void setGrad(Tensor g) {
    if (g != null && !Arrays.equals(g.shape, shape)) {
      throw new IllegalArgumentException(
          "gradient shape " + Shapes.str(g.shape) + " does not match " + Shapes.str(shape));
    }
    if (gradSlot == null && g == null) {
      return;
    }
    slot().set(g);
  }

  /** Clears the gradient, as PyTorch's {@code zero_grad(set_to_none=True)}. */
  public void zeroGrad() {
    zeroGrad(true);
  }

  /**
   * Resets the gradient, as PyTorch's {@code zero_grad(set_to_none)}: with {@code setToNone} it
   * becomes null; otherwise an existing gradient tensor is kept and reads as zeros, and the next
   * {@link #backward()} writes into it in place. The zeros are written lazily: by {@link #grad()},
   * or not at all when backward overwrites the whole buffer (a linear layer's weight gradient comes
   * straight out of a GEMM with {@code beta = 0}). So read the zeros through {@link #grad()}, not
   * through a reference to the gradient taken before this call.
   */
  public void zeroGrad(boolean setToNone) {
    if (gradSlot != null) {
      gradSlot.reset(setToNone);
    }
  }

  /** The op that produced this tensor, or null for a leaf. */
  public GradFn gradFn() {
    return gradFn;
  }

  /** True for tensors not produced by a recorded op. */
  public boolean isLeaf() {
    return gradFn == null;
  }

  /** Keeps the gradient of this non-leaf tensor in {@link #grad()} after backward. */
  public Tensor retainGrad() {
    this.retainGrad = true;
    return this;
  }

  boolean retainsGrad() {
    return retainGrad;
  }

  void attach(GradFn fn) {
    this.gradFn = fn;
    this.requiresGrad = true;
  }

  /** Adds {@code g} into this tensor's gradient; see {@link GradSlot#accumulate}. */
  void accumulateGrad(Tensor g, boolean exclusive) {
    slot().accumulate(g, exclusive);
  }

  private GradSlot slot() {
    if (gradSlot == null) {
      gradSlot = new GradSlot();
    }
    return gradSlot;
  }

  /** Back-propagates from a one-element tensor (usually a loss), freeing the graph. */
  public void backward() {
    if (numel() != 1) {
      throw new IllegalStateException(
          "grad can be implicitly created only for scalar outputs; this tensor has shape "
              + Shapes.str(shape)
              + ", call backward(gradient)");
    }
    backward(onesLike(), false);
  }

  /** Back-propagates {@code gradient}, the gradient of some scalar with respect to this tensor. */
  public void backward(Tensor gradient) {
    backward(gradient, false);
  }

  /** As {@link #backward(Tensor)}; with {@code retainGraph} the graph may be walked again. */
  public void backward(Tensor gradient, boolean retainGraph) {
    Autograd.backward(this, gradient, retainGraph);
  }

  // ---------------------------------------------------------------- elementwise

  public Tensor add(Tensor other) {
    return Elementwise.add(this, other);
  }

  public Tensor add(double value) {
    return Elementwise.add(this, scalarLike(value));
  }

  public Tensor sub(Tensor other) {
    return Elementwise.sub(this, other);
  }

  public Tensor sub(double value) {
    return Elementwise.sub(this, scalarLike(value));
  }

  /** {@code value - this}. */
  public Tensor rsub(double value) {
    return Elementwise.sub(scalarLike(value), this);
  }

  public Tensor mul(Tensor other) {
    return Elementwise.mul(this, other);
  }

  public Tensor mul(double value) {
    return Elementwise.mul(this, scalarLike(value));
  }

  public Tensor div(Tensor other) {
    return Elementwise.div(this, other);
  }

  public Tensor div(double value) {
    return Elementwise.div(this, scalarLike(value));
  }

  public Tensor neg() {
    return Elementwise.neg(this);
  }

  public Tensor pow(double exponent) {
    return Elementwise.pow(this, exponent);
  }

  public Tensor pow(Tensor exponent) {
    return Elementwise.pow(this, exponent);
  }

  public Tensor exp() {
    return Elementwise.exp(this);
  }

  public Tensor log() {
    return Elementwise.log(this);
  }

  public Tensor sqrt() {
    return Elementwise.sqrt(this);
  }

  public Tensor abs() {
    return Elementwise.abs(this);
  }

  /** Limits each element to {@code [min, max]}; the gradient flows where it was inside. */
  public Tensor clamp(double min, double max) {
    return Elementwise.clamp(this, min, max);
  }

  public Tensor relu() {
    return Activations.relu(this);
  }

  public Tensor sigmoid() {
    return Activations.sigmoid(this);
  }

  public Tensor tanh() {
    return Activations.tanh(this);
  }

  /** The exact GELU, {@code x * Phi(x)}. */
  public Tensor gelu() {
    return Activations.gelu(this);
  }

  public Tensor maximum(Tensor other) {
    return Elementwise.maximum(this, other);
  }

  public Tensor minimum(Tensor other) {
    return Elementwise.minimum(this, other);
  }

  public Tensor eq(Tensor other) {
    return Elementwise.compare(org.sparkgrad.backend.BinaryOp.EQ, this, other);
  }

  public Tensor eq(double value) {
    return eq(scalarLike(value));
  }

  public Tensor ne(Tensor other) {
    return Elementwise.compare(org.sparkgrad.backend.BinaryOp.NE, this, other);
  }

  public Tensor ne(double value) {
    return ne(scalarLike(value));
  }

  public Tensor gt(Tensor other) {
    return Elementwise.compare(org.sparkgrad.backend.BinaryOp.GT, this, other);
  }

  public Tensor gt(double value) {
    return gt(scalarLike(value));
  }

  public Tensor ge(Tensor other) {
    return Elementwise.compare(org.sparkgrad.backend.BinaryOp.GE, this, other);
  }

  public Tensor lt(Tensor other) {
    return Elementwise.compare(org.sparkgrad.backend.BinaryOp.LT, this, other);
  }

  public Tensor lt(double value) {
    return lt(scalarLike(value));
  }

  public Tensor le(Tensor other) {
    return Elementwise.compare(org.sparkgrad.backend.BinaryOp.LE, this, other);
  }

  /** {@code cond != 0 ? a : b}, elementwise with broadcasting, as {@code torch.where}. */
  public static Tensor where(Tensor cond, Tensor a, Tensor b) {
    return Elementwise.where(cond, a, b);
  }

  /** {@code value} where {@code mask != 0}, else this tensor's element. */
  public Tensor maskedFill(Tensor mask, double value) {
    return Elementwise.where(mask, scalarLike(value), this);
  }

  // ---------------------------------------------------------------- reductions

  /** The sum of all elements, as a 0-d tensor. */
  public Tensor sum() {
    return Reductions.sum(this, -1, false, true);
  }

  /** The sums along {@code dim}, which is removed, as {@code x.sum(dim)}. */
  public Tensor sum(int dim) {
    return sum(dim, false);
  }

  public Tensor sum(int dim, boolean keepDim) {
    return Reductions.sum(this, dim, keepDim, false);
  }

  /** The mean of all elements, as a 0-d tensor. */
  public Tensor mean() {
    return Reductions.mean(this, -1, false, true);
  }

  /** The means along {@code dim}, which is removed, as {@code x.mean(dim)}. */
  public Tensor mean(int dim) {
    return mean(dim, false);
  }

  public Tensor mean(int dim, boolean keepDim) {
    return Reductions.mean(this, dim, keepDim, false);
  }

  /** The largest element, as a 0-d tensor. */
  public Tensor max() {
    return Reductions.max(this, -1, false, true);
  }

  /**
   * The largest values along {@code dim} (removed) and their int64 indices, as {@code x.max(dim)}
   * and its {@code (values, indices)} result; the values are differentiable.
   */
  public ValuesIndices max(int dim) {
    return new ValuesIndices(max(dim, false), argmax(dim, false));
  }

  /**
   * The largest values along {@code dim} (only the values: PyTorch's {@code x.max(dim,
   * keepdim).values}); the gradient goes to the first maximum.
   */
  public Tensor max(int dim, boolean keepDim) {
    return Reductions.max(this, dim, keepDim, false);
  }

  /** The flat index of the largest element, as a 0-d int64 tensor. */
  public Tensor argmax() {
    return Reductions.argmax(this, -1, false, true);
  }

  /**
   * The int64 indices of the largest values along {@code dim} (removed), as {@code argmax(dim)}.
   */
  public Tensor argmax(int dim) {
    return argmax(dim, false);
  }

  /** The int64 indices of the largest values along {@code dim}. */
  public Tensor argmax(int dim, boolean keepDim) {
    return Reductions.argmax(this, dim, keepDim, false);
  }

  public Tensor softmax(int dim) {
    return Reductions.softmax(this, dim, false);
  }

  public Tensor logSoftmax(int dim) {
    return Reductions.softmax(this, dim, true);
  }

  // ---------------------------------------------------------------- linear algebra

  /**
   * Matrix product as {@code torch.matmul} (the {@code @} operator): 1-D and 2-D operands, and
   * batched 3-D operands where the other is 3-D with the same batch or 2-D. Inside an {@link
   * Autocast} region the operands are rounded to its format first.
   */
  public Tensor matmul(Tensor other) {
    return LinearAlgebra.matmul(Autocast.cast(this), Autocast.cast(other));
  }

  /**
   * {@code x @ weight^T + bias} in one fused GEMM, as {@code torch.nn.functional.linear}.
   *
   * <p>Shape: {@code x} is {@code [*, in]}, {@code weight} {@code [out, in]}, {@code bias} {@code
   * [out]} (or null); the result is {@code [*, out]}. Inside an {@link Autocast} region the
   * operands are rounded to its format first.
   */
  public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
    return LinearAlgebra.linear(Autocast.cast(x), Autocast.cast(weight), Autocast.cast(bias));
  }

  /**
   * Extracts sliding {@code kernelH x kernelW} patches, as {@code torch.nn.functional.unfold}: the
   * building block of {@code Conv2d} (a GEMM over the patches) and {@code MaxPool2d} (a max over
   * them).
   *
   * <p>Shape: input {@code [N, C, H, W]}; output {@code [N, C * kernelH * kernelW, OH * OW]} with
   * {@code OH = (H + 2 padding - kernelH) / stride + 1} (likewise OW), patch elements ordered by
   * channel, then kernel row, then kernel column. Zero padding.
   */
  public static Tensor im2col(Tensor x, int kernelH, int kernelW, int stride, int padding) {
    return Convolution.im2col(x, kernelH, kernelW, stride, padding);
  }

  /**
   * 2-D convolution, as {@code torch.conv2d(x, weight, bias, stride, padding)} (dilation 1, one
   * group, zero padding); {@code bias} may be null. Computed as one GEMM over the whole batch's
   * patches.
   *
   * <p>Shape: input {@code [N, C, H, W]}, weight {@code [outC, C, kH, kW]}, bias {@code [outC]};
   * output {@code [N, outC, OH, OW]} with {@code OH = (H + 2 padding - kH) / stride + 1} (likewise
   * OW). Inside an {@link Autocast} region the operands are rounded to its format first.
   */
  public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
    return ConvGemm.conv2d(
        Autocast.cast(x), Autocast.cast(weight), Autocast.cast(bias), stride, padding);
  }

  /**
   * 2-D max pooling over {@code kernel x kernel} windows, as {@code torch.max_pool2d(x, kernel,
   * stride, padding)} (dilation 1, floor mode): padded positions never win, NaN wins, and the
   * gradient goes to the first largest element of each window.
   *
   * <p>Shape: input {@code [N, C, H, W]}; output {@code [N, C, OH, OW]} with {@code OH = (H + 2
   * padding - kernel) / stride + 1} (likewise OW).
   */
  public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) {
    return MaxPooling.maxPool2d(x, kernel, stride, padding);
  }

  // ---------------------------------------------------------------- shape

  /** The same elements in a new shape; one size may be -1. Shares storage. */
  public Tensor reshape(int... newShape) {
    return ShapeOps.reshape(this, newShape);
  }

  /** As {@link #reshape}: every tensor is contiguous, so every reshape is a view. */
  public Tensor view(int... newShape) {
    return ShapeOps.reshape(this, newShape);
  }

  /** All dimensions flattened into one. */
  public Tensor flatten() {
    return flatten(0, -1);
  }

  /** Dimensions {@code startDim..endDim} flattened into one. */
  public Tensor flatten(int startDim, int endDim) {
    return ShapeOps.flatten(this, startDim, endDim);
  }

  /** A size-1 dimension inserted at {@code dim}, in {@code [-(dim()+1), dim()]}; -1 appends. */
  public Tensor unsqueeze(int dim) {
    return ShapeOps.unsqueeze(this, dim);
  }

  public Tensor squeeze(int dim) {
    return ShapeOps.squeeze(this, dim);
  }

  /** Swaps two dimensions (a copy). */
  public Tensor transpose(int dim0, int dim1) {
    return ShapeOps.transpose(this, dim0, dim1);
  }

  /** The transpose of a 2-D tensor (a copy); 0-D and 1-D tensors are returned as they are. */
  public Tensor t() {
    if (shape.length > 2) {
      throw new IllegalArgumentException(
          "t() expects a tensor of at most 2 dimensions, got shape " + Shapes.str(shape));
    }
    return shape.length < 2 ? this : transpose(0, 1);
  }

  /** Reorders the dimensions (a copy). */
  public Tensor permute(int... dims) {
    return ShapeOps.permute(this, dims);
  }

  /** Repeats size-1 dimensions to {@code newShape} (a copy), as {@code expand}. */
  public Tensor expand(int... newShape) {
    return ShapeOps.expand(this, newShape);
  }

  /** Elements {@code start..start+length-1} along {@code dim} (a copy). */
  public Tensor narrow(int dim, int start, int length) {
    return ShapeOps.narrow(this, dim, start, length);
  }

  /** Joins tensors of equal shape but for {@code dim} along {@code dim}. */
  public static Tensor cat(List<Tensor> tensors, int dim) {
    return ShapeOps.cat(tensors, dim);
  }

  /** Joins tensors along dimension 0, as {@code torch.cat(tensors)}. */
  public static Tensor cat(List<Tensor> tensors) {
    return cat(tensors, 0);
  }

  /** Joins tensors of one shape along a new dimension {@code dim}, as {@code torch.stack}. */
  public static Tensor stack(List<Tensor> tensors, int dim) {
    return ShapeOps.stack(tensors, dim);
  }

  /** Joins tensors of one shape along a new first dimension, as {@code torch.stack(tensors)}. */
  public static Tensor stack(List<Tensor> tensors) {
    return stack(tensors, 0);
  }

  /** Sums this (broadcast) tensor down to {@code target}'s shape: broadcasting's adjoint. */
  public Tensor sumTo(int... target) {
    return Reductions.sumTo(this, target);
  }

  // ---------------------------------------------------------------- indexing

  /**
   * The slice at {@code index} along {@code dim}, which is removed, as {@code torch.select}: {@code
   * x[i]} is {@code x.select(0, i)}, {@code x[:, j]} is {@code x.select(1, j)}; a negative index
   * counts from the end. Slices {@code x[a:b]} are {@link #narrow narrow(0, a, b - a)}.
   */
  public Tensor select(int dim, int index) {
    return Indexing.select(this, dim, index);
  }

  /** The entries at the int64 {@code index} along {@code dim}, as {@code index_select}. */
  public Tensor indexSelect(int dim, Tensor index) {
    return Indexing.indexSelect(this, dim, index);
  }

  /** {@code out[..., j, ...] = this[..., index[..., j, ...], ...]} along {@code dim}. */
  public Tensor gather(int dim, Tensor index) {
    return Indexing.gather(this, dim, index);
  }

  // ---------------------------------------------------------------- in place (not recorded)

  /** {@code this += other} (broadcast to this shape); not recorded by autograd. */
  public Tensor addInPlace(Tensor other) {
    return addInPlace(other, 1);
  }

  /** {@code this += alpha * other}; not recorded by autograd. */
  public Tensor addInPlace(Tensor other, double alpha) {
    InPlace.add(this, other, alpha);
    return this;
  }

  /**
   * {@code this += value}, as PyTorch's {@code add_(value)}: the same rounding as {@link
   * #add(double)}, without a new tensor; not recorded by autograd.
   */
  public Tensor addInPlace(double value) {
    InPlace.binary(org.sparkgrad.backend.BinaryOp.ADD, this, scalarLike(value));
    return this;
  }

  /**
   * {@code this /= value}, as PyTorch's {@code div_(value)}: the same rounding as {@link
   * #div(double)}, without a new tensor; not recorded by autograd.
   */
  public Tensor divInPlace(double value) {
    InPlace.binary(org.sparkgrad.backend.BinaryOp.DIV, this, scalarLike(value));
    return this;
  }

  /** {@code this *= value}; not recorded by autograd. */
  public Tensor mulInPlace(double value) {
    InPlace.binary(org.sparkgrad.backend.BinaryOp.MUL, this, scalarLike(value));
    return this;
  }

  /** {@code this *= other} (broadcast to this shape); not recorded by autograd. */
  public Tensor mulInPlace(Tensor other) {
    InPlace.binary(org.sparkgrad.backend.BinaryOp.MUL, this, other);
    return this;
  }

  /** Copies {@code source}'s elements (broadcast to this shape) into this tensor. */
  public Tensor copyFrom(Tensor source) {
    InPlace.copy(this, source);
    return this;
  }

  /** Sets every element to {@code value}. */
  public Tensor fillInPlace(double value) {
    InPlace.check(this);
    backend().fill(storage, value);
    return this;
  }

  // ---------------------------------------------------------------- printing

  /** As PyTorch prints tensors: values, then dtype (if not float32), grad_fn or requires_grad. */
  @Override
  public String toString() {
    return TensorFormat.format(this);
  }
}
