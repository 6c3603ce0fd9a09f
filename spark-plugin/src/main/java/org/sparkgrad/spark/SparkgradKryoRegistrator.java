package org.sparkgrad.spark;

import com.esotericsoftware.kryo.Kryo;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers {@link WireClasses#all()} with Kryo, so that Sparkgrad runs with {@code
 * spark.kryo.registrationRequired=true}:
 *
 * <pre>
 * spark.serializer=org.apache.spark.serializer.KryoSerializer
 * spark.kryo.registrator=org.sparkgrad.spark.SparkgradKryoRegistrator
 * </pre>
 */
public final class SparkgradKryoRegistrator implements KryoRegistrator {
  @Override
  public void registerClasses(Kryo kryo) {
    ClassLoader loader = kryo.getClassLoader();
    for (Class<?> c : WireClasses.all(loader != null ? loader : getClass().getClassLoader())) {
      kryo.register(c);
    }
  }
}
