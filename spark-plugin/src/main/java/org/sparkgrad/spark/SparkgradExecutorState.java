package org.sparkgrad.spark;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.sparkgrad.backend.Backend;
import org.sparkgrad.tensor.Device;

/**
 * What the executor plugin set up for this executor: the device, its backend, and the counters that
 * Spark's metric system reports. Tasks find it through {@link #current()}; the trainer and the
 * scoring code call {@link #recordStep} and {@link #recordDeviceMemory}.
 *
 * <p>An executor is one JVM (in local mode, the driver's), so one state is installed per JVM at a
 * time: the executor plugin installs it at start-up and {@link #close() closes} it at shutdown. The
 * state itself is an ordinary object; only the lookup handle is static, because Spark gives tasks
 * no other way to reach their executor's plugin. Without the plugin there is no state and {@link
 * #deviceOrCpu()} is the CPU.
 */
public final class SparkgradExecutorState implements AutoCloseable {
  /** Metric names, under Spark's {@code plugin.org.sparkgrad.spark.SparkgradPlugin} source. */
  static final String STEPS = "steps";

  static final String SAMPLES = "samples";
  static final String DEVICE_MEMORY_BYTES = "deviceMemoryBytes";
  static final String DEVICE_ORDINAL = "deviceOrdinal";

  private static final AtomicReference<SparkgradExecutorState> CURRENT = new AtomicReference<>();

  private final String executorId;
  private final DeviceChoice choice;
  private final Backend backend;
  private final List<String> gpuAddresses;
  private final DeviceSetting configured;
  private final boolean localMode;
  private final Counter steps = new Counter();
  private final Counter samples = new Counter();
  private final AtomicLong deviceMemoryBytes = new AtomicLong();
  private MetricRegistry registry;

  @SuppressWarnings("TooManyParameters") // what the plugin chose, and what it chose from
  SparkgradExecutorState(
      String executorId,
      DeviceChoice choice,
      Backend backend,
      List<String> gpuAddresses,
      DeviceSetting configured,
      boolean localMode) {
    if (!backend.device().equals(choice.device())) {
      throw new IllegalArgumentException(
          "backend is for " + backend.device() + " but the chosen device is " + choice.device());
    }
    this.executorId = executorId;
    this.choice = choice;
    this.backend = backend;
    this.gpuAddresses = List.copyOf(gpuAddresses);
    this.configured = configured;
    this.localMode = localMode;
  }

  /** The state of this executor, when the Sparkgrad plugin runs here. */
  public static Optional<SparkgradExecutorState> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /** The device tasks on this executor should compute on: the plugin's choice, else the CPU. */
  public static Device deviceOrCpu() {
    SparkgradExecutorState s = CURRENT.get();
    return s == null ? Device.CPU : s.device();
  }

  /**
   * Makes {@code state} this JVM's current state. The metrics of a state left installed (by an
   * executor that was never shut down) are unregistered.
   */
  static void install(SparkgradExecutorState state) {
    SparkgradExecutorState previous = CURRENT.getAndSet(state);
    if (previous != null && previous != state) {
      previous.releaseMetrics();
    }
  }

  /** Registers this executor's metrics with the registry Spark gave the plugin. */
  synchronized void registerMetrics(MetricRegistry target) {
    target.register(STEPS, steps);
    target.register(SAMPLES, samples);
    target.register(DEVICE_MEMORY_BYTES, (Gauge<Long>) deviceMemoryBytes::get);
    target.register(DEVICE_ORDINAL, (Gauge<Integer>) () -> choice.device().index());
    this.registry = target;
  }

  /** The executor's id, {@code driver} in local mode. */
  public String executorId() {
    return executorId;
  }

  /** The device this executor computes on. */
  public Device device() {
    return choice.device();
  }

  /** Why that device was chosen, as logged at start-up. */
  public String deviceReason() {
    return choice.reason();
  }

  /** The backend of {@link #device()}, set up once at executor start-up. */
  public Backend backend() {
    return backend;
  }

  /** The GPU addresses Spark assigned to this executor (in local mode, the driver's). */
  public List<String> gpuAddresses() {
    return gpuAddresses;
  }

  /** {@code spark.sparkgrad.device}, as the plugin read it. */
  public DeviceSetting configured() {
    return configured;
  }

  /** Whether the executor runs inside the driver ({@code local[*]}). */
  public boolean localMode() {
    return localMode;
  }

  /**
   * Counts one forward and backward pass of a task on this executor, over {@code sampleCount} rows.
   * Several partitions of one global step on the same executor count once each.
   */
  public void recordStep(long sampleCount) {
    if (sampleCount < 0) {
      throw new IllegalArgumentException("sample count must be >= 0, got " + sampleCount);
    }
    steps.inc();
    samples.inc(sampleCount);
  }

  /**
   * Reports the bytes of device memory that the tasks on this executor hold now (parameters,
   * gradients, optimizer state, activations), for the {@code deviceMemoryBytes} gauge.
   */
  public void recordDeviceMemory(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("device memory must be >= 0 bytes, got " + bytes);
    }
    deviceMemoryBytes.set(bytes);
  }

  /** Steps recorded on this executor so far. */
  public long steps() {
    return steps.getCount();
  }

  /** Samples recorded on this executor so far. */
  public long samples() {
    return samples.getCount();
  }

  /** The last device memory reported. */
  public long deviceMemoryBytes() {
    return deviceMemoryBytes.get();
  }

  /** Unregisters the metrics and, if this is the current state, clears it. */
  @Override
  public void close() {
    CURRENT.compareAndSet(this, null);
    releaseMetrics();
  }

  private synchronized void releaseMetrics() {
    if (registry != null) {
      for (String name : List.of(STEPS, SAMPLES, DEVICE_MEMORY_BYTES, DEVICE_ORDINAL)) {
        registry.remove(name);
      }
      registry = null;
    }
  }
}
