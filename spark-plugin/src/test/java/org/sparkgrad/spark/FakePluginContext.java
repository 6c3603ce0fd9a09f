package org.sparkgrad.spark;

import com.codahale.metrics.MetricRegistry;
import java.lang.reflect.Proxy;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.resource.ResourceInformation;
import org.sparkgrad.backend.Backend;
import org.sparkgrad.tensor.Device;

/** The {@link PluginContext} of a cluster executor, without Spark running. */
final class FakePluginContext implements PluginContext {
  private final MetricRegistry registry = new MetricRegistry();
  private final Map<String, ResourceInformation> resources;

  FakePluginContext(String... gpuAddresses) {
    this.resources =
        gpuAddresses.length == 0
            ? Map.of()
            : Map.of("gpu", new ResourceInformation("gpu", gpuAddresses));
  }

  /** A backend for a device that only answers {@code device()} and {@code description()}. */
  static Backend fakeBackend(Device device) {
    return (Backend)
        Proxy.newProxyInstance(
            Backend.class.getClassLoader(),
            new Class<?>[] {Backend.class},
            (proxy, method, args) -> {
              return switch (method.getName()) {
                case "device" -> device;
                case "description" -> "fake " + device;
                default -> throw new UnsupportedOperationException(method.getName());
              };
            });
  }

  @Override
  public MetricRegistry metricRegistry() {
    return registry;
  }

  @Override
  public SparkConf conf() {
    return new SparkConf(false);
  }

  @Override
  public String executorID() {
    return "7";
  }

  @Override
  public String hostname() {
    return "worker-3";
  }

  @Override
  public Map<String, ResourceInformation> resources() {
    return resources;
  }

  @Override
  public void send(Object message) {
    throw new UnsupportedOperationException("send");
  }

  @Override
  public Object ask(Object message) {
    throw new UnsupportedOperationException("ask");
  }
}
