package org.sparkgrad.ml.spark;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.VoidFunction;
import org.apache.spark.resource.ResourceProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgrad.ml.data.PartitionData;
import org.sparkgrad.ml.train.GradientStep;
import org.sparkgrad.ml.train.StepResult;
import org.sparkgrad.spark.ConfEntry;
import org.sparkgrad.spark.SparkgradConf;

/**
 * The Spark half of the step channel: one Spark job whose tasks, one per partition, each run a
 * {@link StepWorker} against the driver's {@link StepServer} for as many steps as the driver asks
 * (an epoch), on the partition's cached rows. While the channel is open its tasks hold one task
 * slot per partition, so a channel is opened only where the partitions fit in the application's
 * slots beside the other channels open in this driver ({@link #slots}), and closed (its tasks
 * ended) before anything else of the fit needs a Spark job.
 */
final class StepChannel implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StepChannel.class);
  private static final String DESCRIPTION = "spark.job.description";
  private static final String INTERRUPT = "spark.job.interruptOnCancel";
  private static final Map<String, Integer> HELD = new HashMap<>();

  private final StepServer server;
  private final JavaFutureAction<Void> job;
  private final String app;
  private final int partitions;
  private final StepServer.Tasks tasks;

  private StepChannel(StepServer server, JavaFutureAction<Void> job, String app, int partitions) {
    this.server = server;
    this.job = job;
    this.app = app;
    this.partitions = partitions;
    this.tasks = () -> ended(job);
  }

  /**
   * Opens a channel over {@code data}'s partitions, the job described as {@code description}, and
   * waits until every partition's task has connected.
   *
   * @param checkSlots whether to return null, opening nothing, when the partitions do not fit in
   *     the free task slots
   * @throws StepServer.ChannelLost if the tasks did not all connect within {@code wait}
   */
  static StepChannel open(
      JavaRDD<PartitionData> data,
      GradientStep step,
      Duration wait,
      String description,
      boolean checkSlots)
      throws StepServer.ChannelLost {
    SparkContext sc = data.context();
    int n = data.getNumPartitions();
    String app = sc.applicationId();
    if (!reserve(sc, data.rdd().getResourceProfile(), app, n, checkSlots)) {
      return null;
    }
    SparkConf conf = sc.getConf();
    String host = conf.get("spark.driver.host", InetAddress.getLoopbackAddress().getHostAddress());
    StepServer server;
    try {
      server =
          new StepServer(
              StepNetwork.ofSpark(n),
              bindAddress(conf, host),
              setting(conf, SparkgradConf.FIT_CHANNEL_PORT),
              conf.getInt("spark.port.maxRetries", 16),
              n,
              wait,
              useTree(conf, n, step.batchStatistics()));
    } catch (RuntimeException e) {
      release(app, n);
      throw new StepServer.ChannelLost("step channel: cannot listen on the driver: " + e, e);
    }
    boolean inMemory = setting(conf, SparkgradConf.FIT_CHANNEL_IN_MEMORY);
    String previous = sc.getLocalProperty(DESCRIPTION);
    String interrupt = sc.getLocalProperty(INTERRUPT);
    JavaFutureAction<Void> job;
    try {
      sc.setLocalProperty(DESCRIPTION, description);
      sc.setLocalProperty(INTERRUPT, "true");
      job = data.foreachPartitionAsync(work(host, server.port(), server.token(), step, inMemory));
    } catch (RuntimeException e) {
      server.close();
      release(app, n);
      throw e;
    } finally {
      sc.setLocalProperty(DESCRIPTION, previous);
      sc.setLocalProperty(INTERRUPT, interrupt);
    }
    StepChannel channel = new StepChannel(server, job, app, n);
    try {
      server.awaitConnected(channel.tasks);
    } catch (StepServer.ChannelLost e) {
      channel.close();
      throw e;
    }
    return channel;
  }

  /** One synchronous step through the channel ({@link StepServer#step}). */
  StepResult step(float[] weights, float[] buffers, int epoch, int step)
      throws StepServer.ChannelLost {
    return server.step(weights, buffers, epoch, step, tasks);
  }

  /** The validation sums of every partition through the channel ({@link StepServer#evaluate}). */
  StepResult evaluate(float[] weights, float[] buffers) throws StepServer.ChannelLost {
    return server.evaluate(weights, buffers, tasks);
  }

  /**
   * The task function: serve the partition's steps until the driver says stop. Its closure holds
   * the driver's address and, only where Spark's authentication is off, the fit's token; the
   * connection is otherwise authenticated with the secret the executor already has from Spark.
   */
  private static VoidFunction<Iterator<PartitionData>> work(
      String host, int port, byte[] token, GradientStep step, boolean inMemory) {
    return it -> {
      TaskContext task = TaskContext.get();
      if (!it.hasNext()) {
        throw new IllegalStateException(
            "step channel: partition " + task.partitionId() + " has no cached rows block");
      }
      StepWorker.serve(
          StepNetwork.ofSpark(1),
          host,
          port,
          token,
          task.partitionId(),
          task.taskAttemptId(),
          it.next(),
          step,
          inMemory);
    };
  }

  /**
   * The address to listen on: the channel's own setting, else the driver's bind address or host.
   */
  private static String bindAddress(SparkConf conf, String host) {
    String own = setting(conf, SparkgradConf.FIT_CHANNEL_BIND_ADDRESS);
    return own.isEmpty() ? conf.get("spark.driver.bindAddress", host) : own;
  }

  /**
   * Whether a channel over {@code partitions} partitions sums through the reduction tree: the tree
   * is on ({@code spark.sparkgrad.fit.channel.tree}), the partitions reach {@code
   * spark.sparkgrad.fit.channel.treeMinPartitions}, and the network exchanges no batch statistics
   * mid-step (which the tree does not carry). The server further keeps the star for tasks that hand
   * their arrays over in memory.
   */
  static boolean useTree(SparkConf conf, int partitions, boolean batchStatistics) {
    return setting(conf, SparkgradConf.FIT_CHANNEL_TREE)
        && partitions >= setting(conf, SparkgradConf.FIT_CHANNEL_TREE_MIN_PARTITIONS)
        && !batchStatistics;
  }

  private static <T> T setting(SparkConf conf, ConfEntry<T> entry) {
    String raw = conf.get(entry.key(), null);
    return raw == null ? entry.defaultValue() : entry.parse(raw);
  }

  /**
   * Whether {@code partitions} more tasks fit in the application's task slots beside those that the
   * channels open in this driver hold; reserves them if so (or unconditionally when {@code check}
   * is false).
   */
  private static synchronized boolean reserve(
      SparkContext sc, ResourceProfile profile, String app, int partitions, boolean check) {
    int held = HELD.getOrDefault(app, 0);
    if (check && held + partitions > slots(sc, profile)) {
      return false;
    }
    HELD.put(app, held + partitions);
    return true;
  }

  private static synchronized void release(String app, int partitions) {
    int left = HELD.getOrDefault(app, 0) - partitions;
    if (left > 0) {
      HELD.put(app, left);
    } else {
      HELD.remove(app);
    }
  }

  /**
   * The number of tasks of {@code profile} (null: the default profile) the application can run at
   * once, as Spark's barrier scheduling counts it (executor cores over {@code spark.task.cpus},
   * fewer where a training stage takes a GPU per task, or the {@code N} of {@code local[N]}); the
   * default parallelism where that internal method is missing.
   */
  static int slots(SparkContext sc, ResourceProfile profile) {
    try {
      return sc.maxNumConcurrentTasks(
          profile == null ? sc.resourceProfileManager().defaultResourceProfile() : profile);
    } catch (LinkageError e) {
      return sc.defaultParallelism();
    }
  }

  private static Throwable ended(JavaFutureAction<Void> job) {
    if (!job.isDone()) {
      return null;
    }
    try {
      job.get();
      return new IllegalStateException("the tasks returned before the driver said stop");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (CancellationException e) {
      return e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e;
    }
  }

  /** Tells the tasks to stop and waits briefly for their job to end, else cancels it. */
  @Override
  public void close() {
    boolean allStarted = server.allConnected();
    server.close();
    if (!allStarted) {
      // A task still waiting for a slot would only start to find the server gone.
      job.cancel(true);
    }
    try {
      job.get(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      LOG.warn("step channel: the tasks did not end within 10 s of stop; cancelling their job");
      job.cancel(true);
    } catch (ExecutionException | CancellationException e) {
      LOG.debug("step channel: the tasks' job ended with {}", e.toString());
    } catch (InterruptedException e) {
      job.cancel(true);
      Thread.currentThread().interrupt();
    } finally {
      release(app, partitions);
    }
  }
}
