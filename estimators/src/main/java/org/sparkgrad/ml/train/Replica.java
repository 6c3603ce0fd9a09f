package org.sparkgrad.ml.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkgrad.nn.Dropout;
import org.sparkgrad.nn.Module;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.nn.utils.ParameterVectors;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/**
 * A copy of the network on one device, into which the master weights are loaded before each use. In
 * training mode its {@code Dropout} layers are applied as {@link KeyedDropout}, so masks depend on
 * row ids, not on the batch a row lands in. Each row's flat features are reshaped to the spec's
 * input shape before the first layer.
 *
 * <p>The weights are handled as one flat float vector: the parameters in {@code
 * Module.parameters()} order, each row-major, which is also the order of the state dict.
 */
public final class Replica {
  /** Replicas a task thread keeps: enough for a few fits at once (cross-validation). */
  private static final int CACHED_PER_THREAD = 4;

  private static final ThreadLocal<Map<String, Replica>> CACHE =
      ThreadLocal.withInitial(
          () ->
              new LinkedHashMap<>(8, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Replica> eldest) {
                  return size() > CACHED_PER_THREAD;
                }
              });

  private final Module net;
  // A user module's Dropout layers, in module order: their masks are drawn from generators the
  // replica seeds each step (see forwardTrain).
  private final List<Dropout> innerDropouts;
  private final List<Tensor> params;
  // The gradient as one flat vector, rewritten by each step that hands it over in-process.
  private float[] gradBuffer;
  private final Device device;
  private final int[] inputShape;
  // A module of several inputs: how each row's flat features split into its tensors.
  private final List<NetworkInput> inputs;

  /** A replica of {@code spec} on {@code device}, with freshly initialised weights. */
  public Replica(NetworkSpec spec, Device device) {
    Module s = spec.module(0);
    s.to(device);
    this.net = s;
    this.params = s.parameters();
    this.innerDropouts = new ArrayList<>();
    if (spec.userModule() != null) {
      if (s instanceof Sequential seq) {
        for (int i = 0; i < seq.size(); i++) {
          if (!(seq.get(i) instanceof Dropout)) {
            collectDropouts(seq.get(i), innerDropouts);
          }
        }
      } else {
        collectDropouts(s, innerDropouts);
      }
    }
    this.device = device;
    this.inputShape = spec.inputShape();
    this.inputs = spec.inputs();
  }

  /**
   * This thread's replica of {@code spec} on {@code device}, built on first use; a task thread
   * keeps the last few it used across steps, so a step only copies weights in. Callers must load
   * the weights they need before every use.
   */
  public static Replica cached(NetworkSpec spec, Device device) {
    return CACHE
        .get()
        .computeIfAbsent(spec.cacheKey() + "@" + device, k -> new Replica(spec, device));
  }

  private static void collectDropouts(Module m, List<Dropout> out) {
    if (m instanceof Dropout d) {
      out.add(d);
      return;
    }
    for (Module c : m.children()) {
      collectDropouts(c, out);
    }
  }

  /** The network. */
  public Module net() {
    return net;
  }

  /** The device the replica computes on. */
  public Device device() {
    return device;
  }

  /** The number of weights. */
  public int numWeights() {
    return ParameterVectors.numel(params);
  }

  /**
   * The number of buffer values ({@code running_mean}, {@code running_var}, {@code
   * num_batches_tracked}, ...): the length of {@link #flatBuffers}.
   */
  public int bufferCount() {
    return ParameterVectors.numel(net.buffers());
  }

  /**
   * The buffers as one flat float vector, "the buffers": every buffer in state-dict order, each
   * row-major, an integer buffer ({@code num_batches_tracked}) as a float holding its count.
   */
  public float[] flatBuffers() {
    return flatBuffers(net);
  }

  /** {@link #flatBuffers()} of {@code module}. */
  public static float[] flatBuffers(Module module) {
    return ParameterVectors.toFloats(module.buffers(), null);
  }

  /** Loads the flat buffers vector of {@link #flatBuffers}. */
  public void setBuffers(float[] flat) {
    if (flat.length != bufferCount()) {
      throw new IllegalArgumentException(
          "expected " + bufferCount() + " buffer values, got " + flat.length);
    }
    ParameterVectors.fromFloats(flat, net.buffers());
  }

  /** Loads the flat weight vector. */
  public void setWeights(float[] flat) {
    if (flat.length != numWeights()) {
      throw new IllegalArgumentException(
          "expected " + numWeights() + " weights, got " + flat.length);
    }
    ParameterVectors.fromFloats(flat, params); // no per-step allocation on the CPU
  }

  /**
   * The gradients as one flat float32 vector in a buffer the replica keeps (not a new array), a
   * parameter without a gradient contributing zeros; it stays valid until the replica's next step.
   */
  public float[] gradFloats() {
    gradBuffer = ParameterVectors.gradientsToFloats(params, gradBuffer);
    return gradBuffer;
  }

  /**
   * The gradients as one flat float32 vector (a new array: it leaves the task as its result); a
   * parameter without a gradient contributes zeros.
   */
  public float[] flatGradFloat() {
    return ParameterVectors.gradientsToFloats(params, null);
  }

  /** Loads the flat weight vector into {@code params} (float32 CPU tensors, as the driver's). */
  static void loadWeights(List<Tensor> params, float[] flat) {
    ParameterVectors.fromFloats(flat, params);
  }

  /** The weights of {@code module}'s parameters as one flat vector. */
  public static float[] flatWeights(Module module) {
    return flatWeightsInto(module, null);
  }

  /**
   * {@link #flatWeights} written into {@code out} when it has the right length (else into a new
   * array), which is returned.
   */
  public static float[] flatWeightsInto(Module module, float[] out) {
    return ParameterVectors.toFloats(module.parameters(), out);
  }

  /** The gradients as one flat double vector; a parameter without a gradient contributes zeros. */
  public double[] flatGrad() {
    double[] out = new double[numWeights()];
    int off = 0;
    for (Tensor p : params) {
      Tensor g = p.grad();
      if (g != null) {
        float[] v = g.toFloatArray();
        for (int i = 0; i < v.length; i++) {
          out[off + i] = v[i];
        }
      }
      off += p.numel();
    }
    return out;
  }

  /**
   * Zeroes the gradients and keeps their buffers ({@code zero_grad(set_to_none=False)}), so that
   * backward accumulates into them instead of allocating new ones every step.
   */
  public void zeroGrad() {
    net.zeroGrad(false);
  }

  /**
   * The input tensors of {@code rows} rows of {@code features} flat features {@code x} on this
   * replica's device: one {@code [rows, features]} tensor, or, for a module of several inputs, one
   * per input ({@link NetworkInput#tensors}).
   */
  public Tensor[] inputs(float[] x, int rows, int features) {
    if (inputs.isEmpty()) {
      return new Tensor[] {Tensor.wrap(x, rows, features).to(device)};
    }
    return NetworkInput.tensors(inputs, x, rows, device);
  }

  /**
   * The training-mode forward pass of rows {@code rowIds} in step {@code step} of epoch {@code
   * epoch}: the dropout layers of a {@code Sequential} use {@link KeyedDropout} with the key of
   * (seed, epoch, step, layer), so their masks do not depend on the partitioning.
   *
   * <p>A user module that is not a {@code Sequential} runs its own {@code forward}; its {@code
   * Dropout} layers (and those nested inside the children of a user's {@code Sequential}) draw
   * their masks from generators seeded here from (seed, epoch, step, layer, the batch's first row
   * id): the fit is reproducible for a given partitioning, but, since such a mask covers the
   * partition's whole batch, not independent of the partitioning.
   *
   * @param x the input tensors of {@link #inputs}: one, or one per input of a module of several
   */
  public Tensor forwardTrain(Tensor[] x, long[] rowIds, long seed, int epoch, int step) {
    net.train();
    long first = rowIds.length == 0 ? 0 : rowIds[0];
    for (int i = 0; i < innerDropouts.size(); i++) {
      long key = KeyedDropout.key(seed, epoch, step, 1_000_000 + i);
      innerDropouts.get(i).setGenerator(new Generator(Generator.mix(key ^ Generator.mix(first))));
    }
    if (!inputs.isEmpty()) {
      return net.forward(x);
    }
    Tensor h = shaped(x[0]);
    if (!(net instanceof Sequential seq)) {
      return net.forward(h);
    }
    for (int i = 0; i < seq.size(); i++) {
      Module m = seq.get(i);
      if (m instanceof Dropout d) {
        h = KeyedDropout.apply(h, d.p(), rowIds, KeyedDropout.key(seed, epoch, step, i));
      } else {
        h = m.forward(h);
      }
    }
    return h;
  }

  /** {@link #forwardTrain(Tensor[], long[], long, int, int)} of one flat input. */
  public Tensor forwardTrain(Tensor x, long[] rowIds, long seed, int epoch, int step) {
    return forwardTrain(new Tensor[] {x}, rowIds, seed, epoch, step);
  }

  /**
   * The evaluation-mode forward pass (dropout off) of the tensors of {@link #inputs}; call inside
   * {@link NoGrad}.
   */
  public Tensor forwardEval(Tensor... x) {
    net.eval();
    return inputs.isEmpty() ? net.forward(shaped(x[0])) : net.forward(x);
  }

  /** The shape each row's flat features take before the first layer, or null (flat rows). */
  int[] inputShape() {
    return inputShape == null ? null : inputShape.clone();
  }

  /**
   * The flat {@code [rows, features]} input reshaped to {@code [rows, inputShape...]} (row-major,
   * as {@code x.view(-1, *input_shape)} in PyTorch), or as it is without an input shape.
   */
  private Tensor shaped(Tensor x) {
    if (inputShape == null) {
      return x;
    }
    int[] s = new int[inputShape.length + 1];
    s[0] = x.size(0);
    System.arraycopy(inputShape, 0, s, 1, inputShape.length);
    return x.reshape(s);
  }
}
