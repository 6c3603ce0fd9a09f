package org.sparkgrad.bench.jmh;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.sparkgrad.ml.train.Replica;
import org.sparkgrad.ml.train.StepResult;
import org.sparkgrad.nn.Linear;
import org.sparkgrad.nn.ReLU;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.optim.Adam;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * The fixed cost of one synchronous data-parallel step of the MLP 784-256-128-10 (235,146
 * parameters) in {@code local[2]}, in parts, with no gradient computed: an empty job on a cached
 * 2-partition RDD, a broadcast of the flat float weights (created and destroyed, and shipped to
 * both partitions by a job), one 235,146-float {@link StepResult} per partition collected in
 * partition order (what the jobs transport does), the whole Spark side of a step (broadcast,
 * collect, destroy), and the driver update (gradients divided into the parameters' {@code .grad},
 * an Adam step and the weights flattened for the next broadcast, as {@code Trainer} does).
 *
 * <p>A step's compute on top of this is {@link MlpStepJmh} on half the minibatch per partition.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// Spark 4 on Java 17 needs the module openings spark-submit adds (its JavaModuleOptions).
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-Xmx3g",
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
      "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
      "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
      "-Djdk.reflect.useDirectMethodHandle=false",
      "-Dio.netty.tryReflectionSetAccessible=true"
    })
public class SparkStepJmh {
  /** Parameters of the MLP 784-256-128-10: 784*256+256 + 256*128+128 + 128*10+10. */
  static final int PARAMS = 235_146;

  /** One {@code local[2]} session and a cached RDD of 2 partitions (one int each). */
  @State(Scope.Benchmark)
  public static class Spark {
    SparkSession session;
    JavaSparkContext jsc;
    JavaRDD<Integer> rdd;
    float[] weights;

    /** Starts Spark and materialises the cache. */
    @Setup(Level.Trial)
    public void start() {
      session =
          SparkSession.builder()
              .master("local[2]")
              .appName("SparkStepJmh")
              .config("spark.ui.enabled", "false")
              .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
              .getOrCreate();
      jsc = JavaSparkContext.fromSparkContext(session.sparkContext());
      jsc.setLogLevel("WARN");
      rdd = jsc.parallelize(List.of(0, 1), 2).persist(StorageLevel.MEMORY_ONLY());
      rdd.count();
      weights = new float[PARAMS];
      for (int i = 0; i < PARAMS; i++) {
        weights[i] = i * 1e-6f;
      }
    }

    /** Stops Spark. */
    @TearDown(Level.Trial)
    public void stop() {
      session.stop();
    }
  }

  /** The master network, its Adam and a summed gradient, as the driver holds them. */
  @State(Scope.Thread)
  public static class Driver {
    Sequential master;
    List<Tensor> params;
    Adam adam;
    double[] gradSum;

    /** Builds the network and a gradient sum of 128 rows. */
    @Setup(Level.Trial)
    public void build() {
      Generator gen = new Generator(0);
      master =
          new Sequential(
              new Linear(784, 256, gen),
              new ReLU(),
              new Linear(256, 128, gen),
              new ReLU(),
              new Linear(128, 10, gen));
      params = master.parameters();
      int n = params.stream().mapToInt(Tensor::numel).sum();
      if (n != PARAMS) {
        throw new IllegalStateException("the MLP has " + n + " parameters, expected " + PARAMS);
      }
      adam = new Adam(params, 1e-3);
      gradSum = new double[PARAMS];
      for (int i = 0; i < PARAMS; i++) {
        gradSum[i] = gen.nextGaussian();
      }
    }
  }

  /** A job that does nothing on each of the 2 cached partitions. */
  @Benchmark
  public void emptyJob(Spark s) {
    s.rdd.foreachPartition(it -> {});
  }

  /** {@code count()} of the cached RDD: an empty job plus a result per partition. */
  @Benchmark
  public long count(Spark s) {
    return s.rdd.count();
  }

  /** Broadcast of the weights, created and destroyed, never read by a task. */
  @Benchmark
  public void broadcastCreateDestroy(Spark s) {
    Broadcast<float[]> w = s.jsc.broadcast(s.weights);
    w.destroy();
  }

  /** Broadcast of the weights, read by both partitions in one job, then destroyed. */
  @Benchmark
  public void broadcastShipped(Spark s) {
    Broadcast<float[]> w = s.jsc.broadcast(s.weights);
    s.rdd.foreachPartition(
        it -> {
          if (w.value().length != PARAMS) {
            throw new IllegalStateException("broadcast arrived with " + w.value().length);
          }
        });
    w.destroy();
  }

  /**
   * One fresh 235,146-float {@link StepResult} per partition, collected in partition order and
   * merged in that order, as the jobs transport does (the float32 parts are summed later, by the
   * driver's update).
   */
  @Benchmark
  public StepResult collectInOrder(Spark s) {
    return inOrder(s.rdd.map(p -> StepResult.ofPartition(new float[PARAMS], 1, 1, 1, 1)).collect());
  }

  /** The whole Spark side of a step with no compute: broadcast, collect in order, destroy. */
  @Benchmark
  public StepResult stepWithoutCompute(Spark s) {
    Broadcast<float[]> w = s.jsc.broadcast(s.weights);
    try {
      return inOrder(
          s.rdd
              .map(p -> StepResult.ofPartition(new float[w.value().length], 1, 1, 1, 1))
              .collect());
    } finally {
      w.destroy();
    }
  }

  private static StepResult inOrder(List<StepResult> results) {
    StepResult acc = new StepResult();
    for (StepResult r : results) {
      acc.merge(r);
    }
    return acc;
  }

  /**
   * The driver's update: mean gradient into each parameter's {@code .grad} (float), an Adam step,
   * and the weights flattened for the next step's broadcast.
   */
  @Benchmark
  public float[] driverUpdate(Driver d) {
    int off = 0;
    for (Tensor p : d.params) {
      int n = p.numel();
      float[] g = new float[n];
      for (int i = 0; i < n; i++) {
        g[i] = (float) (d.gradSum[off + i] / 128.0);
      }
      p.setGrad(Tensor.of(g, p.shape()));
      off += n;
    }
    d.adam.step();
    return Replica.flatWeights(d.master);
  }
}
