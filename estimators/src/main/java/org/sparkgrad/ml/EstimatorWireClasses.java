package org.sparkgrad.ml;

import java.util.List;
import org.sparkgrad.ml.data.DataBlock;
import org.sparkgrad.ml.data.PartitionData;
import org.sparkgrad.ml.train.StepResult;
import org.sparkgrad.spark.WireClassProvider;

/**
 * The estimators' classes that Spark serializes with its configured serializer (Kryo, which with
 * {@code spark.kryo.registrationRequired=true} refuses unregistered classes): the prepared
 * partitions (cached, and spilled to disk under memory pressure) and the partitions' step and
 * validation results (task results, also inside a local-steps round's result). The training set-up
 * ({@code GradientStep}, {@code NetworkSpec}, {@code TrainingConfig}, the readers) travels inside
 * task closures, which Spark always serializes with Java serialization, so it is not listed; Kryo 4
 * could not serialize its records anyway. Listed in {@code
 * META-INF/services/org.sparkgrad.spark.WireClassProvider}; the order is part of the wire format
 * and must only ever be appended to.
 */
public final class EstimatorWireClasses implements WireClassProvider {
  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public EstimatorWireClasses() {}

  @Override
  public List<Class<?>> wireClasses() {
    return List.of(
        StepResult.class,
        StepResult[].class,
        PartitionData.class,
        PartitionData[].class,
        DataBlock.class);
  }
}
