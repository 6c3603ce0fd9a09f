package org.sparkgrad.ml.params;

import static org.sparkgrad.ml.params.ParamDecl.choice;
import static org.sparkgrad.ml.params.ParamDecl.intAtLeast;

import java.util.List;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;

/**
 * Where and how the work runs: the device, the number of training partitions, how training rows are
 * kept, the number format, local steps, and the scoring batch. None of them changes the model but
 * {@code precision} and {@code localSteps}.
 */
public interface ExecutionParams extends HasParamSet {
  /** The device choices. */
  List<String> DEVICES = List.of("auto", "cpu", "gpu");

  /** The ways to keep training data ({@link org.sparkgrad.ml.data.DataStorage}). */
  List<String> DATA_STORAGES = List.of("auto", "memory", "stream");

  /** The number formats of the training step ({@link org.sparkgrad.tensor.Precision}). */
  List<String> PRECISIONS = List.of("float32", "bf16", "fp16");

  ParamDecl<Param<String>> DEVICE =
      choice(
          "device",
          "where tasks compute: auto (a GPU Spark assigned, where CUDA runs), cpu, gpu",
          DEVICES,
          "auto");

  /**
   * The number of partitions that train; named {@code numReplicas} because each partition computes
   * its step on its own replica of the network (the name stays: saved models and pipelines use it).
   */
  ParamDecl<IntParam> NUM_REPLICAS =
      intAtLeast(
          "numReplicas",
          "partitions that train; 0: the input's partitions, at most the cluster's default"
              + " parallelism",
          0,
          0);

  ParamDecl<Param<String>> DATA_STORAGE =
      choice(
          "dataStorage",
          "how training rows are kept: memory (one block per partition, deserialized), stream"
              + " (chunks on the executors' disks, streamed each epoch in the epoch's order),"
              + " auto (memory while the blocks take at most half of the executors' storage"
              + " memory, else stream); the same model either way",
          DATA_STORAGES,
          "auto");

  ParamDecl<Param<String>> PRECISION =
      choice(
          "precision",
          "the number format of the training step's matrix products and convolutions, as"
              + " torch.autocast: float32, bf16 (inputs rounded to bfloat16, computed in float32,"
              + " float32 master weights), fp16 (IEEE half, with dynamic loss scaling; needs a"
              + " GPU); reductions, softmax, losses and normalisation stay float32",
          PRECISIONS,
          "float32");

  ParamDecl<IntParam> LOCAL_STEPS =
      intAtLeast(
          "localSteps",
          "1: synchronous steps; k > 1: each partition takes k optimizer steps on its own rows"
              + " of the next k minibatches, then weights and optimizer state are averaged,"
              + " weighted by rows (one Spark job per k steps; not equal to synchronous"
              + " training)",
          1,
          1);

  ParamDecl<IntParam> INFER_BATCH_SIZE =
      intAtLeast("inferBatchSize", "rows per batch when scoring", 1, 1024);

  /** The declarations of this group. */
  List<ParamDecl<?>> DECLARED =
      List.of(DEVICE, NUM_REPLICAS, DATA_STORAGE, PRECISION, LOCAL_STEPS, INFER_BATCH_SIZE);

  /** Param for the device choice. */
  default Param<String> device() {
    return paramSet().get(DEVICE);
  }

  /** Returns the device choice. */
  default String getDevice() {
    return getOrDefault(device());
  }

  /**
   * Param for the number of partitions that train (each computes its share of a step on its own
   * replica of the network, hence the name); 0 for the input's partitions, at most the cluster's
   * default parallelism.
   */
  default IntParam numReplicas() {
    return paramSet().get(NUM_REPLICAS);
  }

  /** Returns the number of partitions that train; 0 for the default. */
  default int getNumReplicas() {
    return (Integer) getOrDefault(numReplicas());
  }

  /** Param for how training rows are kept: auto, memory or stream. */
  default Param<String> dataStorage() {
    return paramSet().get(DATA_STORAGE);
  }

  /** Returns how training rows are kept: auto, memory or stream. */
  default String getDataStorage() {
    return getOrDefault(dataStorage());
  }

  /** Param for the number format of the training step: float32, bf16 or fp16. */
  default Param<String> precision() {
    return paramSet().get(PRECISION);
  }

  /** Returns the number format of the training step: float32, bf16 or fp16. */
  default String getPrecision() {
    return getOrDefault(precision());
  }

  /** Param for the optimizer steps each partition takes between averagings; 1: synchronous. */
  default IntParam localSteps() {
    return paramSet().get(LOCAL_STEPS);
  }

  /** Returns the optimizer steps each partition takes between averagings. */
  default int getLocalSteps() {
    return (Integer) getOrDefault(localSteps());
  }

  /** Param for the rows per batch when scoring. */
  default IntParam inferBatchSize() {
    return paramSet().get(INFER_BATCH_SIZE);
  }

  /** Returns the rows per batch when scoring. */
  default int getInferBatchSize() {
    return (Integer) getOrDefault(inferBatchSize());
  }
}
