package org.sparkgrad.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sparkgrad's configuration keys ({@code spark.sparkgrad.*}), each declared once here with its
 * type, default and documentation, and a validated snapshot of their values.
 *
 * <p>{@code docs/CONFIGURATION.md} is generated from these declarations by {@link
 * ConfigurationDocs}; a test keeps the two equal.
 */
public final class SparkgradConf {
  /** Every Sparkgrad key starts with this. */
  public static final String PREFIX = "spark.sparkgrad.";

  private static final List<ConfEntry<?>> ENTRIES = new ArrayList<>();

  /** Which device each executor trains and scores on. */
  public static final ConfEntry<DeviceSetting> DEVICE =
      register(
          ConfEntry.ofEnum(
              PREFIX + "device",
              DeviceSetting.class,
              DeviceSetting.AUTO,
              "Where executors compute. `auto`: the GPU that Spark assigned to the executor "
                  + "(`spark.executor.resource.gpu.amount`) when CUDA can run there, else the CPU. "
                  + "`cpu`: always the CPU. `gpu`: the assigned GPU, and the executor fails to "
                  + "start, saying what is missing, when it cannot use it. A task that Spark "
                  + "gave GPUs of its own (`spark.task.resource.gpu.amount`, or the training "
                  + "stage's resource profile) computes on its own, so an executor with several "
                  + "GPUs trains a replica on each."));

  /** The CPU backend's BLAS. */
  public static final ConfEntry<BlasLibrary> BLAS =
      register(
          ConfEntry.ofEnum(
              PREFIX + "blas",
              BlasLibrary.class,
              BlasLibrary.OPENBLAS,
              "The CPU backend's BLAS: the bundled OpenBLAS (falls back to netlib where it "
                  + "cannot load) or the netlib BLAS that Spark ships. Sets the engine's "
                  + "`sparkgrad.blas` system property on each executor."));

  /** OpenBLAS threads per executor. */
  public static final ConfEntry<Integer> BLAS_THREADS =
      register(
          ConfEntry.ofInt(
              PREFIX + "blas.threads",
              1,
              1,
              "Threads OpenBLAS may use in each executor. Spark already runs one task per core, "
                  + "so more than 1 oversubscribes the cores unless `spark.task.cpus` is raised "
                  + "to match. Like `spark.sparkgrad.blas`, it applies when the CPU backend "
                  + "first loads: at executor start-up, or in local mode only if the driver has "
                  + "not used the engine before creating the SparkContext."));

  /** Whether executors report Sparkgrad metrics. */
  public static final ConfEntry<Boolean> METRICS_ENABLED =
      register(
          ConfEntry.ofBoolean(
              PREFIX + "metrics.enabled",
              true,
              "Register each executor's Sparkgrad metrics (`steps`, `samples`, "
                  + "`deviceMemoryBytes`, `deviceOrdinal`) with Spark's metric system, under "
                  + "`plugin.org.sparkgrad.spark.SparkgradPlugin`."));

  /** Whether a fatal GPU error ends the executor. */
  public static final ConfEntry<Boolean> EXIT_ON_FATAL_DEVICE_ERROR =
      register(
          ConfEntry.ofBoolean(
              PREFIX + "fatalDeviceError.exitExecutor",
              true,
              "End the executor JVM (exit code "
                  + FatalDeviceErrors.EXIT_CODE
                  + ") when a task fails with a CUDA error that "
                  + "leaves the GPU context unusable, so that Spark replaces the executor "
                  + "instead of sending it more tasks. Never applies in local mode, where the "
                  + "executor is the driver."));

  /** How a fit's synchronous steps travel between the driver and the partitions. */
  public static final ConfEntry<StepTransport> FIT_TRANSPORT =
      register(
          ConfEntry.ofEnum(
              PREFIX + "fit.transport",
              StepTransport.class,
              StepTransport.AUTO,
              "How a fit's synchronous steps (localSteps = 1) reach the partitions. `channel`: "
                  + "one long-running task per partition for each epoch, connected to a port on "
                  + "the driver that sends the weights and sums the gradients each step (a few "
                  + "milliseconds instead of a Spark job's tens). It is carried by Spark's own "
                  + "network transport: authenticated with Spark's shared secret when "
                  + "`spark.authenticate` is on, encrypted when `spark.network.crypto.enabled` or "
                  + "`spark.ssl.rpc.enabled` is. `jobs`: one Spark job per step (a broadcast, and a "
                  + "`collect` of the partitions' float32 gradients, which the driver sums in "
                  + "partition order as the channel's are). `auto`: `channel` when all of the "
                  + "fit's partitions fit in the cluster's task slots at once and "
                  + "`spark.speculation` is off, else `jobs`. Either way the model is the same, "
                  + "bit for bit; a channel whose tasks do not all connect "
                  + "within `spark.sparkgrad.fit.channelWaitSeconds` (a driver the executors "
                  + "cannot reach) is given up for `jobs`."));

  /** The driver port of the step channel: the first of a range, as spark.driver.port is. */
  public static final ConfEntry<Integer> FIT_CHANNEL_PORT =
      register(
          ConfEntry.ofInt(
              PREFIX + "fit.channel.port",
              0,
              0,
              "The driver port the step channel listens on, for firewalled clusters: `0` takes "
                  + "any free port; a port `P` tries `P`, `P+1`, ... up to "
                  + "`P+spark.port.maxRetries` (as `spark.driver.port` does), since each open "
                  + "channel (one per concurrent fit) takes one port. Executors must be able to "
                  + "connect to it."));

  /** The address the step channel binds to on the driver. */
  public static final ConfEntry<String> FIT_CHANNEL_BIND_ADDRESS =
      register(
          ConfEntry.ofString(
              PREFIX + "fit.channel.bindAddress",
              "",
              "The driver address the step channel listens on; empty takes "
                  + "`spark.driver.bindAddress`, else `spark.driver.host`. Executors connect to "
                  + "`spark.driver.host`."));

  /** Whether in-JVM tasks hand arrays over in memory (local mode). */
  public static final ConfEntry<Boolean> FIT_CHANNEL_IN_MEMORY =
      register(
          ConfEntry.ofBoolean(
              PREFIX + "fit.channel.inMemory",
              true,
              "Whether the step channel's tasks that run in the driver's JVM (local mode) hand "
                  + "weights, gradients and, after their hello, their requests over in memory, "
                  + "the connection staying open only to tell the driver when a task ends. "
                  + "`false` sends everything through the connection (encrypted if "
                  + "Spark's network encryption is on) as tasks in other JVMs do; for "
                  + "measurements."));

  /** Whether the step channel may sum through a reduction tree of the tasks. */
  public static final ConfEntry<Boolean> FIT_CHANNEL_TREE =
      register(
          ConfEntry.ofBoolean(
              PREFIX + "fit.channel.tree",
              true,
              "Whether the step channel sums the partitions' gradients through a binary tree of "
                  + "the tasks (by partition index) instead of at the driver, so that the "
                  + "driver's bytes per step do not grow with the number of executors. Used from "
                  + "`spark.sparkgrad.fit.channel.treeMinPartitions` partitions on, whose tasks "
                  + "send their arrays through the connection (not in local mode), for networks "
                  + "without batch norm; a task lost mid-fit ends the tree and the fit goes on "
                  + "with one Spark job per step (the model is the same). `false`: always the "
                  + "star."));

  /** From how many partitions the step channel sums through the tree. */
  public static final ConfEntry<Integer> FIT_CHANNEL_TREE_MIN_PARTITIONS =
      register(
          ConfEntry.ofInt(
              PREFIX + "fit.channel.treeMinPartitions",
              12,
              3,
              "The number of partitions from which the step channel sums through the tree "
                  + "(`spark.sparkgrad.fit.channel.tree`). Below it the driver receives every "
                  + "partition's gradient (the star), which has fewer hops and is faster there: "
                  + "docs/PERFORMANCE.md's cost model puts the crossover at 11-12 executors on "
                  + "a 10 Gbit/s network."));

  /** How long the step channel waits for a partition's task. */
  public static final ConfEntry<Integer> FIT_CHANNEL_WAIT_SECONDS =
      register(
          ConfEntry.ofInt(
              PREFIX + "fit.channelWaitSeconds",
              60,
              1,
              "How long the step channel waits for every partition's task to connect at the "
                  + "start of an epoch, and for a lost task (a killed executor) to connect again "
                  + "after Spark reruns it, before the fit goes on with one Spark job per step."));

  /** The size of a chunk of a streamed fit's rows. */
  public static final ConfEntry<Integer> FIT_STREAM_CHUNK_KIB =
      register(
          ConfEntry.ofInt(
              PREFIX + "fit.streamChunkKiB",
              256,
              1,
              "With dataStorage=stream, the size in KiB of the chunks that a partition's rows are"
                  + " written to the executors' disks in (DISK_ONLY, as they are built). Small,"
                  + " because Spark's Java serializer keeps every object it wrote since its last"
                  + " reset (spark.serializer.objectStreamReset, 100 objects) reachable: a task"
                  + " caching chunks holds about 100 of them (Kryo holds one)."));

  /** The size of an epoch bucket of a streamed fit. */
  public static final ConfEntry<Integer> FIT_STREAM_BUCKET_KIB =
      register(
          ConfEntry.ofInt(
              PREFIX + "fit.streamBucketKiB",
              0,
              0,
              "With dataStorage=stream, the size in KiB of the buckets that each epoch sorts a"
                  + " partition's rows into on the executor's local disk (spark.local.dir); a task"
                  + " holds one bucket in memory while it trains. 0: a sixteenth of the executor's"
                  + " heap, between 4 and 64 MiB."));

  /** How often a fit posts its progress to the Spark UI. */
  public static final ConfEntry<Integer> UI_PROGRESS_INTERVAL_MS =
      register(
          ConfEntry.ofInt(
              PREFIX + "ui.progressIntervalMs",
              1000,
              0,
              "The least time in milliseconds between two step progress events"
                  + " (org.sparkgrad.spark.ui.SparkgradFitProgress) that a fit posts to Spark's"
                  + " listener bus, which feed the Spark UI's Sparkgrad tab and land in the event"
                  + " log. The end of each epoch and of the fit are always posted. 0: every step,"
                  + " which floods the bus and the event log of a fast fit."));

  /** Set by the driver plugin: whether the application runs in local mode. */
  static final ConfEntry<Boolean> LOCAL_MODE =
      register(
          ConfEntry.internalBoolean(
              PREFIX + "internal.localMode",
              "Set by the driver plugin: the application runs in local mode."));

  /**
   * Set by the driver plugin in local mode: the driver's GPU addresses, which are the only GPUs a
   * local-mode executor has (Spark gives it no resources of its own).
   */
  static final ConfEntry<List<String>> DRIVER_GPU_ADDRESSES =
      register(
          ConfEntry.internalList(
              PREFIX + "internal.driverGpuAddresses",
              "Set by the driver plugin in local mode: the driver's GPU addresses."));

  private final Map<ConfEntry<?>, Object> values;

  private SparkgradConf(Map<ConfEntry<?>, Object> values) {
    this.values = values;
  }

  private static <T> ConfEntry<T> register(ConfEntry<T> entry) {
    ENTRIES.add(entry);
    return entry;
  }

  /** Every key, in declaration order, internal ones included. */
  public static List<ConfEntry<?>> entries() {
    return Collections.unmodifiableList(ENTRIES);
  }

  /**
   * Reads and validates every Sparkgrad key in {@code settings}; absent keys take their default.
   *
   * @throws IllegalArgumentException listing every invalid key, what it accepts and what it got
   */
  public static SparkgradConf from(Map<String, String> settings) {
    Map<ConfEntry<?>, Object> values = new HashMap<>();
    List<String> errors = new ArrayList<>();
    for (ConfEntry<?> entry : ENTRIES) {
      try {
        values.put(entry, entry.get(settings));
      } catch (IllegalArgumentException e) {
        errors.add(e.getMessage());
      }
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid Sparkgrad configuration: " + String.join("; ", errors));
    }
    return new SparkgradConf(values);
  }

  /** The value of {@code entry}. */
  @SuppressWarnings("unchecked") // values holds, for each entry, a value that entry parsed
  public <T> T get(ConfEntry<T> entry) {
    return (T) values.get(entry);
  }

  /** The configured device setting. */
  public DeviceSetting device() {
    return get(DEVICE);
  }

  /**
   * Every key with its value, written as {@link ConfEntry#parse} reads it back: what the driver
   * plugin hands to the executor plugins.
   */
  public Map<String, String> toMap() {
    Map<String, String> out = new LinkedHashMap<>();
    for (ConfEntry<?> entry : ENTRIES) {
      out.put(entry.key(), render(entry));
    }
    return out;
  }

  private <T> String render(ConfEntry<T> entry) {
    return entry.render(get(entry));
  }

  /**
   * Keys under {@code spark.sparkgrad.} that no entry declares (usually typos), each with the
   * closest declared key.
   */
  public static List<String> unknownKeys(Iterable<String> keys) {
    List<String> messages = new ArrayList<>();
    for (String key : keys) {
      if (!key.startsWith(PREFIX) || ENTRIES.stream().anyMatch(e -> e.key().equals(key))) {
        continue;
      }
      String closest = null;
      int best = Integer.MAX_VALUE;
      for (ConfEntry<?> entry : ENTRIES) {
        int d = editDistance(key, entry.key());
        if (!entry.isInternal() && d < best) {
          best = d;
          closest = entry.key();
        }
      }
      messages.add("unknown key " + key + " (did you mean " + closest + "?)");
    }
    return messages;
  }

  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
