package org.sparkgrad.ml;

import java.util.LinkedHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.sparkgrad.ml.onnx.OnnxExporter;
import org.sparkgrad.ml.onnx.OnnxFiles;
import org.sparkgrad.ml.onnx.OnnxOutputs;
import org.sparkgrad.ml.params.ParamDecl.Task;
import org.sparkgrad.ml.params.ParamSet;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.ml.train.Replica;
import org.sparkgrad.ml.train.TrainingSummary;
import org.sparkgrad.nn.Module;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.Tensor;
import scala.Option;

/**
 * What the two fitted models share: the network spec, its trained weights and buffers, the params,
 * the training summary, scoring ({@link Scoring}) and saving ({@link ModelWriter}).
 *
 * @param <M> the concrete model, returned by the setters
 */
public abstract class NeuralNetModel<M extends NeuralNetModel<M>> extends Model<M>
    implements NeuralNetParams, MLWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final ParamSet paramSet;
  private final NetworkSpec spec;
  private final float[] weights;
  private final float[] buffers;
  private final int numFeatures;
  private transient TrainingSummary summary;
  private transient volatile RowScorer scorer;

  /**
   * A model of {@code spec} with flat {@code weights} (parameter order).
   *
   * @throws IllegalArgumentException if the number of weights does not fit the spec
   */
  protected NeuralNetModel(String uid, boolean classifier, NetworkSpec spec, float[] weights) {
    this(uid, classifier, spec, weights, null);
  }

  /**
   * A model of {@code spec} with flat {@code weights} (parameter order) and flat {@code buffers}
   * (batch norm's running statistics, in state-dict order: {@code Replica.flatBuffers}), or null
   * for the buffers a new network starts with.
   *
   * @throws IllegalArgumentException if the number of weights or buffer values does not fit the
   *     spec
   */
  protected NeuralNetModel(
      String uid, boolean classifier, NetworkSpec spec, float[] weights, float[] buffers) {
    this.uid = uid;
    this.spec = spec;
    this.weights = weights.clone();
    this.numFeatures = spec.inputSize();
    Replica fresh = new Replica(spec, Device.CPU);
    int expected = fresh.numWeights();
    if (weights.length != expected) {
      throw new IllegalArgumentException(
          "the network has " + expected + " weights, got " + weights.length);
    }
    this.buffers = buffers == null ? fresh.flatBuffers() : buffers.clone();
    if (this.buffers.length != fresh.bufferCount()) {
      throw new IllegalArgumentException(
          "the network has "
              + fresh.bufferCount()
              + " buffer values (batch norm's running statistics), got "
              + this.buffers.length);
    }
    this.paramSet =
        new ParamSet(
            this,
            classifier ? Task.CLASSIFICATION : Task.REGRESSION,
            NeuralNetParams.declarations());
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public ParamSet paramSet() {
    return paramSet;
  }

  /** This model as its concrete type. */
  protected abstract M self();

  /**
   * The trained network: its layers, or the user's module (the {@code network}, {@code
   * moduleFactory} and {@code moduleClass} params are what the fit was asked for).
   */
  public NetworkSpec networkSpec() {
    return spec;
  }

  /** The number of features the model reads. */
  public int numFeatures() {
    return numFeatures;
  }

  /** The number of network outputs (classes for a classifier). */
  public int numOutputs() {
    return spec.outputSize();
  }

  /** The trained weights, flat in parameter order (a copy). */
  public float[] weights() {
    return weights.clone();
  }

  /**
   * The trained buffers (batch norm's {@code running_mean}, {@code running_var} and {@code
   * num_batches_tracked}, in state-dict order; empty without batch norm), flat (a copy).
   */
  public float[] buffers() {
    return buffers.clone();
  }

  /**
   * The trained network as an engine module, in evaluation mode (a new instance each call). It
   * takes input already shaped {@code [N, *inputShape]} (the reshape of flat features is not one of
   * its layers), and an {@code embedding} first layer takes float indices. For a network of the
   * {@code network} param or the simple network it is a {@code Sequential}; for a user's module
   * ({@code moduleFactory}, {@code moduleClass}), that module.
   */
  public Module toModule() {
    Replica r = new Replica(spec, Device.CPU);
    r.setWeights(weights);
    r.setBuffers(buffers);
    r.net().eval();
    return r.net();
  }

  /**
   * The weights and buffers by PyTorch state-dict name ({@code 0.weight}, {@code 0.bias}, {@code
   * 1.running_mean}, ...).
   */
  @SuppressWarnings("NonApiType") // the type promises the iteration order, as Module.stateDict
  public LinkedHashMap<String, Tensor> stateDict() {
    return toModule().stateDict();
  }

  /** The weights shared with the copy constructors of subclasses (not a copy). */
  float[] weightsShared() {
    return weights;
  }

  /** The buffers shared with the copy constructors of subclasses (not a copy). */
  float[] buffersShared() {
    return buffers;
  }

  /**
   * The output values {@code outputs} makes of one features vector (the {@code predict(Vector)}
   * family; see {@link RowScorer}).
   *
   * @throws IllegalArgumentException if {@code features} is null, of the wrong size or not finite
   */
  Object[] predictValues(Vector features, Scoring.Outputs outputs) {
    RowScorer s = scorer;
    if (s == null) {
      // Two threads may both make one; either is right, and the weights never change.
      s = new RowScorer(spec, weights, buffers);
      scorer = s;
    }
    return s.values(features, outputs);
  }

  /** True on a freshly fitted model; false on a loaded or copied-from-loaded one. */
  public boolean hasSummary() {
    return summary != null;
  }

  /**
   * How the fit went.
   *
   * @throws IllegalStateException if the model was loaded rather than fitted
   */
  public TrainingSummary summary() {
    if (summary == null) {
      throw new IllegalStateException(
          "no training summary: this model was loaded or built, not fitted in this session");
    }
    return summary;
  }

  /** Keeps the summary of the fit that made this model (or of the model it was copied from). */
  void setSummary(TrainingSummary summary) {
    this.summary = summary;
  }

  /** Sets the features column. */
  public M setFeaturesCol(String value) {
    set(featuresCol(), value);
    return self();
  }

  /** Sets the feature columns of a model of several inputs, one per input, in order. */
  public M setFeaturesCols(String... value) {
    set(featuresCols(), value.clone());
    return self();
  }

  /** Sets the prediction column; empty to leave it out. */
  public M setPredictionCol(String value) {
    set(predictionCol(), value);
    return self();
  }

  /** Sets the rows per batch when scoring. */
  public M setInferBatchSize(int value) {
    set(inferBatchSize(), value);
    return self();
  }

  /** Sets where scoring computes: {@code auto}, {@code cpu} or {@code gpu}. */
  public M setDevice(String value) {
    set(device(), value);
    return self();
  }

  /** The output schema: the input columns, then the model's output columns. */
  @Override
  public StructType transformSchema(StructType schema) {
    ScoringInputs.check(this, spec, schema);
    return outputSchema(schema);
  }

  /** {@code schema} with this model's output columns added (checking they are new). */
  abstract StructType outputSchema(StructType schema);

  /** How to turn network outputs into output columns. */
  abstract Scoring.Outputs outputs();

  /**
   * Scores {@code dataset}: lazily, per partition, in batches of {@code inferBatchSize} rows, in
   * evaluation mode with no graph, keeping every input column and adding the output columns.
   *
   * @throws IllegalArgumentException if the features column is missing or mistyped, or an output
   *     column already exists
   */
  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    return Scoring.transform(
        dataset,
        out,
        ScoringInputs.reader(this, spec, dataset.schema()),
        spec,
        weights,
        buffers,
        outputs(),
        getInferBatchSize(),
        getDevice());
  }

  /** The ONNX outputs that match this model's output columns. */
  abstract OnnxOutputs onnxOutputs();

  /**
   * Exports the network with its trained weights as an ONNX model file (opset {@value
   * OnnxExporter#OPSET}) at the Hadoop path {@code path}, for serving outside Spark: input {@code
   * featuresCol} ({@code [N, numFeatures]} float32), outputs named like the model's output columns.
   * See {@code docs/ONNX.md} for the layers that export.
   *
   * @throws IllegalArgumentException if the file exists, or naming a layer that does not export
   */
  public void exportOnnx(String path) {
    exportOnnx(path, false);
  }

  /** As {@link #exportOnnx(String)}, replacing an existing file if {@code overwrite}. */
  public void exportOnnx(String path, boolean overwrite) {
    byte[] bytes = new OnnxExporter().export(spec, stateDict(), getFeaturesCol(), onnxOutputs());
    Option<SparkSession> session = SparkSession.getActiveSession();
    if (session.isEmpty()) {
      session = SparkSession.getDefaultSession();
    }
    Configuration conf =
        session.isDefined()
            ? session.get().sparkContext().hadoopConfiguration()
            : new Configuration();
    OnnxFiles.write(path, bytes, overwrite, conf);
  }

  /** A writer of MLlib's layout: {@code metadata/} and {@code data/} (see {@link ModelWriter}). */
  @Override
  public MLWriter write() {
    return new ModelWriter(this);
  }
}
