package org.sparkgrad.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.client.TransportClientFactory;
import org.apache.spark.network.crypto.AuthClientBootstrap;
import org.apache.spark.network.sasl.SecretKeyHolder;
import org.apache.spark.network.server.NoOpRpcHandler;
import org.apache.spark.network.util.MapConfigProvider;
import org.apache.spark.network.util.TransportConf;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkgrad.it.support.ClusterSettings;
import org.sparkgrad.it.support.DistJar;
import org.sparkgrad.it.support.TrainJobRuns;
import org.sparkgrad.standalone.ChildJvm;
import org.sparkgrad.standalone.StandaloneCluster;

/**
 * The step channel on a standalone cluster run with Spark's authentication ({@code
 * spark.authenticate=true}, the secret configured on the daemons and the application as Spark's
 * standalone mode requires): with {@code spark.network.crypto.enabled=true} the fit uses the
 * channel and trains the model it trains without encryption, while a client with a wrong secret is
 * refused at the channel's port; and the fallbacks that remain, {@code spark.speculation} and a
 * driver whose channel the executors cannot reach, train that model with one Spark job per step.
 */
class SecureChannelClusterTest {
  private static final long JOB_TIMEOUT_S = Long.getLong("sparkgrad.cluster.job.timeout", 600);
  private static final String SECRET = "secure-channel-cluster-test";

  private static StandaloneCluster cluster;
  private static Path work;
  private static float[] plainWeights;

  @BeforeAll
  static void startCluster() throws Exception {
    work = Path.of(System.getProperty("sparkgrad.test.dir"), "secure-channel");
    if (Files.exists(work)) {
      try (Stream<Path> all = Files.walk(work)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(work);
    DistJar.path();
    List<String> jvm = new ArrayList<>(ClusterSettings.sparkJavaOptions());
    jvm.add("-Dspark.authenticate=true");
    jvm.add("-Dspark.authenticate.secret=" + SECRET);
    cluster =
        StandaloneCluster.start(
            Path.of(ClusterSettings.property("sparkgrad.spark.home")),
            Path.of(ClusterSettings.property("sparkgrad.cluster.logs")).resolve("secure"),
            jvm,
            2,
            "1g",
            300);
    ChildJvm plain = submit("secure-plain", "model-plain", List.of());
    assertThat(plain.waitFor(JOB_TIMEOUT_S)).as("log:\n%s", plain.tail(60)).isZero();
    assertUsedTheChannel(plain);
    plainWeights = TrainJobRuns.weights(work.resolve("model-plain"));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void anEncryptedFitUsesTheChannelRefusesAWrongSecretAndTrainsTheSameModel() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    ChildJvm fit =
        submit(
            "secure-encrypted",
            "model-encrypted",
            List.of(
                "spark.network.crypto.enabled=true",
                "spark.sparkgrad.fit.channel.port=" + port,
                "spark.port.maxRetries=0"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(JOB_TIMEOUT_S);
    while (!fit.logText().contains("foreachPartitionAsync at StepChannel")) {
      assertThat(fit.isAlive()).as("the fit ended early; log:\n%s", fit.tail(60)).isTrue();
      assertThat(System.nanoTime()).as("the channel within the timeout").isLessThan(deadline);
      Thread.sleep(50);
    }
    attackWithAWrongSecret(port);
    assertThat(fit.waitFor(JOB_TIMEOUT_S)).as("log:\n%s", fit.tail(60)).isZero();
    assertUsedTheChannel(fit);
    assertSameWeights(TrainJobRuns.weights(work.resolve("model-encrypted")));
  }

  @Test
  void speculationFallsBackToJobsWithTheSameModel() throws Exception {
    ChildJvm fit =
        submit("secure-speculation", "model-speculation", List.of("spark.speculation=true"));
    assertThat(fit.waitFor(JOB_TIMEOUT_S)).as("log:\n%s", fit.tail(60)).isZero();
    assertThat(fit.logText())
        .contains("spark.speculation is on, so steps travel as Spark jobs")
        .doesNotContain("foreachPartitionAsync at StepChannel");
    assertSameWeights(TrainJobRuns.weights(work.resolve("model-speculation")));
  }

  @Test
  void aChannelTheExecutorsCannotReachFallsBackToJobsWithTheSameModel() throws Exception {
    // The channel listens on 127.0.0.2 while the executors connect to spark.driver.host
    // (127.0.0.1): they find nothing there, as behind a firewall that closes the port.
    ChildJvm fit =
        submit(
            "secure-unreachable",
            "model-unreachable",
            List.of(
                "spark.network.crypto.enabled=true",
                "spark.sparkgrad.fit.channel.bindAddress=127.0.0.2"));
    assertThat(fit.waitFor(JOB_TIMEOUT_S)).as("log:\n%s", fit.tail(60)).isZero();
    assertThat(fit.logText()).contains("this fit goes on with one Spark job per step");
    assertSameWeights(TrainJobRuns.weights(work.resolve("model-unreachable")));
  }

  /** A client with a wrong secret cannot open a connection to the channel's port. */
  private static void attackWithAWrongSecret(int port) throws IOException {
    TransportConf conf =
        new TransportConf(
            "rpc", new MapConfigProvider(Map.of("spark.network.crypto.enabled", "true")));
    SecretKeyHolder wrong =
        new SecretKeyHolder() {
          @Override
          public String getSaslUser(String app) {
            return "sparkSaslUser";
          }

          @Override
          public String getSecretKey(String app) {
            return "not " + SECRET;
          }
        };
    try (TransportContext context = new TransportContext(conf, new NoOpRpcHandler());
        TransportClientFactory factory =
            context.createClientFactory(
                List.of(new AuthClientBootstrap(conf, "intruder", wrong)))) {
      assertThatThrownBy(() -> factory.createUnmanagedClient("127.0.0.1", port))
          .as("a connection with a wrong secret to the channel's port %d", port)
          .isInstanceOf(Exception.class);
    }
  }

  private static void assertUsedTheChannel(ChildJvm fit) {
    assertThat(fit.logText())
        .contains("foreachPartitionAsync at StepChannel")
        .doesNotContain("this fit goes on with one Spark job per step");
  }

  private static void assertSameWeights(float[] actual) {
    assertThat(actual).hasSameSizeAs(plainWeights);
    for (int i = 0; i < plainWeights.length; i++) {
      assertThat(actual[i])
          .as("weight %d", i)
          .isCloseTo(plainWeights[i], within(1e-5f * Math.max(1f, Math.abs(plainWeights[i]))));
    }
  }

  /** Submits TrainJob (1,000 generated rows, 2 partitions, 2 epochs) with {@code conf}. */
  private static ChildJvm submit(String logName, String model, List<String> conf)
      throws IOException {
    List<String> args =
        TrainJobRuns.submitArgs(
            conf,
            List.of(
                "--input",
                "generated",
                "--rows",
                "1000",
                "--partitions",
                "2",
                "--seed",
                "7",
                "--epochs",
                "2",
                "--batch-size",
                "32",
                "--lr",
                "0.01",
                "--output",
                work.resolve(model).toString()));
    return cluster.submit(logName, args);
  }
}
