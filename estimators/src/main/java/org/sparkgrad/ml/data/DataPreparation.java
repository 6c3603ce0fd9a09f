package org.sparkgrad.ml.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.BinaryAttribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Turns a training DataFrame into cached {@link PartitionData}: checks the schema, finds the sizes,
 * converts each partition once (validating every row), and assigns global row ids from row content
 * ({@link RowIdAssigner}). A row that fails validation is reported with its index in the input's
 * order.
 */
public final class DataPreparation {
  private static final Logger LOG = LoggerFactory.getLogger(DataPreparation.class);

  private DataPreparation() {}

  /**
   * What to read.
   *
   * @param weightCol null for none
   * @param validationCol null for none
   * @param numPartitions partitions to train on (the {@code numReplicas} param); 0 for the input's,
   *     at most the default parallelism
   * @param embeddingIndices when &gt; 0, every feature must be an integer index in {@code [0,
   *     embeddingIndices)} (the network starts with an embedding); 0 for any finite value
   * @param featuresCols several feature columns, each its own input, read instead of {@code
   *     featuresCol}; empty for {@code featuresCol} alone
   * @param storage how the prepared rows are kept (memory, streamed, or chosen by size)
   */
  public record Request(
      String featuresCol,
      String labelCol,
      String weightCol,
      String validationCol,
      boolean classification,
      int numPartitions,
      int embeddingIndices,
      List<String> featuresCols,
      DataStorage storage) {
    /** A request of one features column, whose storage is chosen by the data's size. */
    public Request(
        String featuresCol,
        String labelCol,
        String weightCol,
        String validationCol,
        boolean classification,
        int numPartitions,
        int embeddingIndices) {
      this(
          featuresCol,
          labelCol,
          weightCol,
          validationCol,
          classification,
          numPartitions,
          embeddingIndices,
          List.of(),
          DataStorage.AUTO);
    }

    /** A request whose features may be any finite values. */
    public Request(
        String featuresCol,
        String labelCol,
        String weightCol,
        String validationCol,
        boolean classification,
        int numPartitions) {
      this(featuresCol, labelCol, weightCol, validationCol, classification, numPartitions, 0);
    }

    /** The feature columns read: {@code featuresCols}, or {@code featuresCol} alone. */
    public List<String> featureColumns() {
      return featuresCols.isEmpty() ? List.of(featuresCol) : featuresCols;
    }
  }

  /**
   * The sizes found before converting.
   *
   * @param numFeatures the features size
   * @param featuresOrigin where it comes from, for messages
   * @param labelDim label values per row (1 unless a regressor has vector labels)
   * @param metadataClasses the number of classes in the label column's ML metadata, or 0
   * @param inputs the feature columns, in order; their widths add up to {@code numFeatures}
   */
  public record Inspection(
      int numFeatures,
      String featuresOrigin,
      int labelDim,
      int metadataClasses,
      List<InputColumn> inputs) {
    /**
     * This inspection with {@code inputs} (the same columns and shapes, with the index limits the
     * network sets).
     */
    public Inspection withInputs(List<InputColumn> inputs) {
      return new Inspection(numFeatures, featuresOrigin, labelDim, metadataClasses, inputs);
    }

    /** The shape of a row of the one feature column (an image's {@code [C, H, W]}). */
    public int[] featuresShape() {
      return inputs.get(0).shape();
    }
  }

  /**
   * Checks the schema and finds the sizes: from the columns' ML metadata where present, else from
   * the first row.
   *
   * @throws IllegalArgumentException for a missing or mistyped column, an empty DataFrame, or a
   *     null first row
   */
  public static Inspection inspect(Dataset<?> df, Request req) {
    StructType schema = df.schema();
    List<String> fcols = req.featureColumns();
    List<InputColumn.Kind> kinds =
        FeatureInputs.kinds(schema, fcols, !req.featuresCols().isEmpty());
    StructField l = Columns.requireLabel(schema, req.labelCol(), "labelCol");
    if (req.weightCol() != null) {
      Columns.requireNumeric(schema, req.weightCol(), "weightCol", false);
    }
    if (req.validationCol() != null) {
      Columns.requireBoolean(schema, req.validationCol(), "validationIndicatorCol");
    }
    List<Column> firstCols = new ArrayList<>();
    for (String c : fcols) {
      firstCols.add(functions.col(c));
    }
    firstCols.add(functions.col(req.labelCol()));
    List<Row> first = df.select(firstCols.toArray(new Column[0])).limit(1).collectAsList();
    if (first.isEmpty()) {
      throw new IllegalArgumentException(
          "the input DataFrame is empty: there is nothing to train on");
    }
    Row row = first.get(0);
    List<InputColumn> inputs = FeatureInputs.inspect(schema, fcols, kinds, row);
    int numFeatures = 0;
    for (InputColumn in : inputs) {
      numFeatures += in.width();
    }
    String origin = inputs.get(0).sizeOrigin();
    int labelAt = fcols.size();
    int labelDim = 1;
    if (Columns.isMultiValued(l.dataType())) {
      Object label = row.get(labelAt);
      if (label == null) {
        throw new IllegalArgumentException("column '" + req.labelCol() + "' is null in row 0");
      }
      labelDim = label instanceof Vector v ? v.size() : row.getList(labelAt).size();
      if (labelDim == 0) {
        throw new IllegalArgumentException(
            "column '"
                + req.labelCol()
                + "' has an empty label in row 0: there is nothing to learn");
      }
    }
    return new Inspection(
        numFeatures,
        origin,
        labelDim,
        req.classification() && !Columns.isMultiValued(l.dataType()) ? metadataClasses(l) : 0,
        inputs);
  }

  /** The features as one column: {@code featuresCol}, or a struct of the {@code featuresCols}. */
  private static Column featuresColumn(Request req) {
    if (req.featuresCols().isEmpty()) {
      return functions.col(req.featuresCol());
    }
    List<Column> parts = new ArrayList<>();
    for (String c : req.featuresCols()) {
      parts.add(functions.col(c));
    }
    return functions.struct(parts.toArray(new Column[0]));
  }

  /** The number of classes of a label column's nominal or binary ML attribute, or 0. */
  static int metadataClasses(StructField label) {
    Attribute a = Attribute.fromStructField(label);
    if (a instanceof BinaryAttribute) {
      return 2;
    }
    if (a instanceof NominalAttribute n && n.getNumValues().isDefined()) {
      return (Integer) n.getNumValues().get();
    }
    return 0;
  }

  /**
   * Converts and caches the data.
   *
   * @param numClasses the known number of classes (labels at or above it are rejected), or 0
   * @param numClassesOrigin where {@code numClasses} comes from, for messages
   * @throws IllegalArgumentException for the first invalid row (by its index in the input), or no
   *     training rows, or a validation column that selects nothing
   */
  public static PreparedData convert(
      Dataset<?> df, Request req, Inspection ins, int numClasses, String numClassesOrigin) {
    long start = System.nanoTime();
    List<Column> cols = new ArrayList<>();
    cols.add(featuresColumn(req));
    cols.add(
        Columns.isMultiValued(df.schema().apply(req.labelCol()).dataType())
            ? functions.col(req.labelCol())
            : functions.col(req.labelCol()).cast("double"));
    if (req.weightCol() != null) {
      cols.add(functions.col(req.weightCol()).cast("double"));
    }
    if (req.validationCol() != null) {
      cols.add(functions.col(req.validationCol()));
    }
    Dataset<Row> selected = df.select(cols.toArray(new Column[0]));
    JavaRDD<Row> original = selected.javaRDD();
    int inputParts = original.getNumPartitions();
    int target =
        req.numPartitions() > 0
            ? req.numPartitions()
            : Math.max(
                1, Math.min(inputParts, df.sparkSession().sparkContext().defaultParallelism()));
    JavaRDD<Row> rows = original;
    if (target > inputParts || Lineage.carriesDriverData(original.rdd())) {
      rows = original.repartition(target);
    } else if (target < inputParts) {
      rows = original.coalesce(target);
    }
    RowReader reader =
        new RowReader(
            req.featuresCols().isEmpty()
                ? FeatureReader.of(ins.inputs().get(0)).withIndices(req.embeddingIndices())
                : FeatureReader.packed(ins.inputs()),
            req.labelCol(),
            ins.labelDim(),
            req.classification(),
            numClasses,
            numClassesOrigin,
            req.weightCol(),
            req.validationCol());
    DataStorage storage =
        DataStorage.choose(
            req.storage(),
            selected.queryExecution().optimizedPlan().stats().sizeInBytes().doubleValue(),
            selected::count,
            DataStorage.rowBytes(ins.numFeatures(), ins.labelDim(), req.weightCol() != null),
            DataStorage.storageMemory(df.sparkSession().sparkContext()));
    if (storage == DataStorage.STREAM) {
      return StreamedPreparation.convert(
          df.sparkSession(), rows, original, reader, req, ins, start);
    }
    JavaRDD<PartitionData> converted =
        rows.mapPartitionsWithIndex(
                (Integer p, Iterator<Row> it) ->
                    Collections.singletonList(reader.build(p, it)).iterator(),
                true)
            .persist(StorageLevel.MEMORY_AND_DISK());
    List<double[]> stats;
    try {
      stats = converted.map(DataPreparation::stats).collect();
    } catch (Exception e) { // Spark throws its checked SparkException undeclared
      converted.unpersist(false);
      throw translate(e, original, reader);
    }
    long train = 0;
    long validation = 0;
    double maxLabel = 0;
    double trainWeight = 0;
    double[] moments = new double[2 * ins.labelDim()];
    for (double[] s : stats) {
      train += (long) s[0];
      validation += (long) s[1];
      maxLabel = Math.max(maxLabel, s[2]);
      trainWeight += s[3];
      for (int j = 0; j < moments.length; j++) {
        moments[j] += s[4 + j];
      }
    }
    try {
      checkTotals(req, train, validation, trainWeight);
      JavaRDD<PartitionData> withIds =
          RowIdAssigner.assign(converted, train).persist(StorageLevel.MEMORY_AND_DISK());
      withIds.count();
      LOG.info(
          "sparkgrad fit: {} training and {} validation rows of {} features in {} partitions,"
              + " prepared in {} s",
          train,
          validation,
          ins.numFeatures(),
          target,
          String.format(java.util.Locale.ROOT, "%.2f", (System.nanoTime() - start) / 1e9));
      return new PreparedData(
          withIds,
          withIds,
          train,
          validation,
          maxLabel,
          LabelStats.of(moments, trainWeight),
          DataStorage.MEMORY);
    } finally {
      converted.unpersist(false);
    }
  }

  /** The training rows, validation rows, largest label and training weight of {@code p}. */
  static double[] stats(PartitionData p) {
    double max = 0;
    for (DataBlock b : List.of(p.train(), p.validation())) {
      float[] y = b.labels();
      for (int i = 0; i < b.rows(); i++) {
        max = Math.max(max, y[i * b.labelDim()]);
      }
    }
    DataBlock t = p.train();
    int dim = t.labelDim();
    double[] s = new double[4 + 2 * dim];
    s[0] = t.rows();
    s[1] = p.validation().rows();
    s[2] = max;
    float[] y = t.labels();
    for (int r = 0; r < t.rows(); r++) {
      double w = t.weight(r);
      s[3] += w;
      for (int j = 0; j < dim; j++) {
        double v = y[r * dim + j];
        s[4 + 2 * j] += w * v;
        s[5 + 2 * j] += w * v * v;
      }
    }
    return s;
  }

  /**
   * Checks that there is something to train on: training rows of some weight, and validation rows
   * when a validation column is given.
   */
  static void checkTotals(Request req, long train, long validation, double trainWeight) {
    checkCounts(req, train, validation);
    if (req.weightCol() != null && !(trainWeight > 0)) {
      throw new IllegalArgumentException(
          "weightCol: column '"
              + req.weightCol()
              + "' gives every training row weight 0; there is nothing to learn from");
    }
  }

  private static void checkCounts(Request req, long train, long validation) {
    if (req.validationCol() != null && validation == 0) {
      throw new IllegalArgumentException(
          "validationIndicatorCol: column '"
              + req.validationCol()
              + "' selects no rows (it is never true); unset it or mark some rows");
    }
    if (train == 0) {
      throw new IllegalArgumentException(
          req.validationCol() == null
              ? "the input DataFrame is empty: there is nothing to train on"
              : "validationIndicatorCol: column '"
                  + req.validationCol()
                  + "' is true in every row; no rows are left to train on");
    }
  }

  /**
   * The error to throw for a failed conversion: the first invalid row of the input, located by
   * scanning it again in order, or the failure itself if it was not about a row.
   */
  static RuntimeException translate(Exception e, JavaRDD<Row> original, RowReader reader) {
    BadRowException bad = SparkErrors.find(e, BadRowException.class);
    if (bad == null) {
      return SparkErrors.unwrap(e);
    }
    try {
      Tuple2<Row, Long> first =
          original
              .zipWithIndex()
              .filter(t -> reader.problem(t._1()) != null)
              .reduce((a, b) -> a._2() <= b._2() ? a : b);
      String template = reader.problem(first._1());
      return new IllegalArgumentException(
          template.replace(BadRowException.ROW, Long.toString(first._2())), bad);
    } catch (Exception again) { // as above: the scan is a Spark job too
      return new IllegalArgumentException(bad.getMessage(), bad);
    }
  }
}
