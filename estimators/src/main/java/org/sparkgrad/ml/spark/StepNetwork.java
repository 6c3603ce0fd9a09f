package org.sparkgrad.ml.spark;

import java.net.BindException;
import java.util.List;
import org.apache.spark.SecurityManager;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.client.TransportClientBootstrap;
import org.apache.spark.network.crypto.AuthClientBootstrap;
import org.apache.spark.network.crypto.AuthServerBootstrap;
import org.apache.spark.network.netty.SparkTransportConf;
import org.apache.spark.network.sasl.SecretKeyHolder;
import org.apache.spark.network.server.RpcHandler;
import org.apache.spark.network.server.TransportServer;
import org.apache.spark.network.server.TransportServerBootstrap;
import org.apache.spark.network.util.MapConfigProvider;
import org.apache.spark.network.util.TransportConf;
import scala.Option;

/**
 * How the step channel's connections are made: with Spark's own network transport ({@code
 * spark-network-common}, which Spark's block transfer and external shuffle service use), set up as
 * Spark's {@code NettyBlockTransferService} sets it up. Where {@code spark.authenticate} is on,
 * every connection is authenticated with the application's shared secret ({@link
 * AuthServerBootstrap}, {@link AuthClientBootstrap}) before a message reaches the channel, so no
 * secret travels in a task closure; where {@code spark.network.crypto.enabled} is on, the traffic
 * is encrypted with keys that authentication derives (AES-GCM by default); where {@code
 * spark.ssl.rpc.enabled} is on, it runs over TLS with Spark's RPC key and trust stores. The
 * settings of Spark's {@code rpc} module ({@code spark.rpc.io.*}, {@code spark.network.timeout})
 * apply.
 */
final class StepNetwork {
  private static final String MODULE = "rpc";

  private final TransportConf conf;
  private final String appId;
  private final SecretKeyHolder secrets;

  private StepNetwork(TransportConf conf, String appId, SecretKeyHolder secrets) {
    this.conf = conf;
    this.appId = appId;
    this.secrets = secrets;
  }

  /**
   * The network of this JVM's Spark application (driver or executor): Spark's configuration and its
   * {@link SecurityManager}, which holds the shared secret.
   *
   * @param threads the Netty threads to use at most
   */
  static StepNetwork ofSpark(int threads) {
    SparkEnv env = SparkEnv.get();
    if (env == null) {
      throw new IllegalStateException("step channel: no Spark environment in this JVM");
    }
    return of(env.conf(), env.securityManager(), threads);
  }

  /** The network that {@code conf} and {@code security} describe. */
  static StepNetwork of(SparkConf conf, SecurityManager security, int threads) {
    TransportConf tc =
        SparkTransportConf.fromSparkConf(
            conf,
            MODULE,
            Math.max(1, Math.min(threads, 8)),
            Option.empty(),
            Option.apply(security.getRpcSSLOptions()));
    return new StepNetwork(
        tc,
        conf.getAppId(),
        security.isAuthenticationEnabled() ? (SecretKeyHolder) security : null);
  }

  /** A network with no authentication and no encryption, for tests of the channel alone. */
  static StepNetwork plain() {
    return new StepNetwork(new TransportConf(MODULE, MapConfigProvider.EMPTY), "test", null);
  }

  /**
   * A network authenticated with {@code secret} (what {@code spark.authenticate} gives), encrypted
   * when {@code encrypted} (what {@code spark.network.crypto.enabled} gives), for tests.
   */
  static StepNetwork withSecret(String secret, boolean encrypted) {
    TransportConf tc =
        new TransportConf(
            MODULE,
            new MapConfigProvider(
                java.util.Map.of("spark.network.crypto.enabled", Boolean.toString(encrypted))));
    SecretKeyHolder holder =
        new SecretKeyHolder() {
          @Override
          public String getSaslUser(String app) {
            return "sparkSaslUser";
          }

          @Override
          public String getSecretKey(String app) {
            return secret;
          }
        };
    return new StepNetwork(tc, "test", holder);
  }

  /** Whether connections are authenticated with Spark's shared secret. */
  boolean authenticates() {
    return secrets != null;
  }

  /** Whether the traffic is encrypted (Spark's AES-based encryption or TLS). */
  boolean encrypts() {
    return (secrets != null && conf.encryptionEnabled()) || conf.sslRpcEnabled();
  }

  /** A transport context whose incoming messages go to {@code handler}; idle links stay open. */
  TransportContext context(RpcHandler handler) {
    return new TransportContext(conf, handler, false);
  }

  /** What a client runs on a new connection before its first message: authentication, if on. */
  List<TransportClientBootstrap> clientBootstraps() {
    return secrets == null ? List.of() : List.of(new AuthClientBootstrap(conf, appId, secrets));
  }

  /**
   * A server of {@code context} on {@code host}: on any free port when {@code port} is 0, else on
   * the first free one of {@code port} to {@code port + maxRetries}, as Spark's own services bind.
   *
   * @throws IllegalStateException naming the ports tried, if none was free
   */
  TransportServer listen(TransportContext context, String host, int port, int maxRetries) {
    List<TransportServerBootstrap> boots =
        secrets == null ? List.of() : List.of(new AuthServerBootstrap(conf, secrets));
    int last = port == 0 ? 0 : Math.min(65535, port + maxRetries);
    for (int p = port; ; p++) {
      try {
        return context.createServer(host, p, boots);
      } catch (Exception e) { // Netty throws its checked BindException undeclared
        if (p >= last || !isBindCollision(e)) {
          throw new IllegalStateException(
              port == 0
                  ? "step channel: cannot listen on " + host + ": " + e
                  : "step channel: no free port on "
                      + host
                      + " in "
                      + port
                      + "-"
                      + last
                      + " (spark.sparkgrad.fit.channel.port, spark.port.maxRetries): "
                      + e,
              e);
        }
      }
    }
  }

  private static boolean isBindCollision(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      // Netty's native (epoll) transport reports it as its own IOException, as Spark's
      // Utils.isBindCollision knows
      if (t instanceof BindException
          || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
        return true;
      }
    }
    return false;
  }
}
