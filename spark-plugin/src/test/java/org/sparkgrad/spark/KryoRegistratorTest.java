package org.sparkgrad.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.Kryo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Device;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/** The registrator with Spark's Kryo serializer as executors build it, without a SparkContext. */
class KryoRegistratorTest {
  private static final ClassTag<Object> ANY = ClassTag$.MODULE$.apply(Object.class);

  private static SerializerInstance serializer(boolean withRegistrator) {
    SparkConf conf = new SparkConf(false).set("spark.kryo.registrationRequired", "true");
    if (withRegistrator) {
      conf.set("spark.kryo.registrator", SparkgradKryoRegistrator.class.getName());
    }
    return new KryoSerializer(conf).newInstance();
  }

  private static List<Object> samples() {
    return List.of(
        new float[][] {{1.5f, -2f}, {3f}},
        new double[][] {{1e-300, Double.NaN}},
        new long[][] {{Long.MIN_VALUE}, {}},
        new int[][] {{7, 8, 9}},
        DType.FLOAT64,
        Device.Type.CUDA,
        Device.cuda(3),
        Device.CPU,
        new GradientSum(new double[] {0.25, -4}, 17),
        new GradientSum[] {new GradientSum(new double[] {1}, 1), null});
  }

  @Test
  void withoutTheRegistratorTheseClassesAreRefused() {
    SerializerInstance plain = serializer(false);
    for (Object o : samples()) {
      assertThatThrownBy(() -> plain.serialize(o, ANY))
          .as(o.getClass().getName())
          .hasMessageContaining("Class is not registered");
    }
  }

  @Test
  void withTheRegistratorEachRoundTrips() {
    SerializerInstance ser = serializer(true);
    for (Object o : samples()) {
      ByteBuffer bytes = ser.serialize(o, ANY);
      assertThat(ser.<Object>deserialize(bytes, ANY)).as(o.getClass().getName()).isEqualTo(o);
    }
  }

  @Test
  void theOrderIsCoreThenProvidersSortedWithoutRepeats() {
    List<Class<?>> all = WireClasses.all();
    assertThat(all.subList(0, WireClasses.CORE.size())).isEqualTo(WireClasses.CORE);
    assertThat(all.subList(WireClasses.CORE.size(), all.size()))
        .containsExactly(GradientSum.class, GradientSum[].class);
  }

  @Test
  void registrationIdsAreTheSameInEveryKryo() {
    List<Integer> first = ids(new Kryo());
    List<Integer> second = ids(new Kryo());
    assertThat(first).hasSize(WireClasses.all().size()).isEqualTo(second);
  }

  private static List<Integer> ids(Kryo kryo) {
    kryo.setRegistrationRequired(true);
    new SparkgradKryoRegistrator().registerClasses(kryo);
    List<Integer> ids = new ArrayList<>();
    for (Class<?> c : WireClasses.all()) {
      ids.add(kryo.getRegistration(c).getId());
    }
    return ids;
  }
}
