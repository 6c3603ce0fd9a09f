package org.sparkgrad.ml;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkgrad.ml.data.BadRowException;
import org.sparkgrad.ml.data.FeatureReader;
import org.sparkgrad.ml.spark.Devices;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.ml.train.Replica;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/**
 * Batch scoring for {@link NeuralNetModel#transform}: a lazy {@code mapPartitions} that reads
 * {@code inferBatchSize} rows at a time into one matrix, runs the network on it in evaluation mode
 * with no graph on the executor's device, and appends the output columns to each row. The weights
 * and the buffers (batch norm's running statistics, which evaluation mode normalises with) travel
 * as a broadcast; nothing is collected to the driver.
 */
final class Scoring {
  private Scoring() {}

  /** Turns one row of network outputs into the values of the output columns. */
  interface Outputs extends Serializable {
    /** The number of output columns. */
    int count();

    /** The output column values for network outputs {@code out[from, from + width)}. */
    void values(float[] out, int from, int width, Object[] dst, int at);
  }

  static org.apache.spark.sql.Dataset<Row> transform(
      Dataset<?> df,
      StructType outSchema,
      FeatureReader reader,
      NetworkSpec spec,
      float[] weights,
      float[] buffers,
      Outputs outputs,
      int batchSize,
      String device) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext());
    Broadcast<float[][]> w = jsc.broadcast(new float[][] {weights, buffers});
    int[] featuresIndex = new int[reader.inputs().size()];
    for (int i = 0; i < featuresIndex.length; i++) {
      featuresIndex[i] = df.schema().fieldIndex(reader.inputs().get(i).column());
    }
    int inputCols = df.schema().size();
    MapPartitionsFunction<Row, Row> fn =
        rows ->
            new Batches(
                rows, spec, w, reader, featuresIndex, inputCols, outputs, batchSize, device);
    Dataset<Row> scored = df.toDF().mapPartitions(fn, Encoders.row(outSchema));
    // The row encoder drops column metadata (ML attributes); put it back.
    Column[] cols = new Column[outSchema.size()];
    for (int i = 0; i < cols.length; i++) {
      StructField f = outSchema.fields()[i];
      String quoted = "`" + f.name().replace("`", "``") + "`";
      cols[i] = functions.col(quoted).as(f.name(), f.metadata());
    }
    return scored.select(cols);
  }

  /** The rows of one partition with their outputs, computed a batch at a time. */
  private static final class Batches implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final NetworkSpec spec;
    private final Broadcast<float[][]> state;
    private final FeatureReader reader;
    private final int[] featuresIndex;
    private final int inputCols;
    private final Outputs outputs;
    private final int batchSize;
    private final String device;
    private final List<Row> pending = new ArrayList<>();
    private Replica replica;
    private Iterator<Row> ready = java.util.Collections.emptyIterator();
    private long seen;

    Batches(
        Iterator<Row> rows,
        NetworkSpec spec,
        Broadcast<float[][]> state,
        FeatureReader reader,
        int[] featuresIndex,
        int inputCols,
        Outputs outputs,
        int batchSize,
        String device) {
      this.rows = rows;
      this.spec = spec;
      this.state = state;
      this.reader = reader;
      this.featuresIndex = featuresIndex;
      this.inputCols = inputCols;
      this.outputs = outputs;
      this.batchSize = batchSize;
      this.device = device;
    }

    @Override
    public boolean hasNext() {
      if (!ready.hasNext() && rows.hasNext()) {
        ready = nextBatch();
      }
      return ready.hasNext();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.next();
    }

    private Iterator<Row> nextBatch() {
      if (replica == null) {
        replica = new Replica(spec, Devices.resolve(device));
        replica.setWeights(state.value()[0]);
        replica.setBuffers(state.value()[1]);
      }
      pending.clear();
      int d = reader.size();
      float[] x = new float[batchSize * d];
      float[] row = new float[d];
      while (pending.size() < batchSize && rows.hasNext()) {
        Row r = rows.next();
        String problem = reader.read(features(r), row);
        if (problem != null) {
          TaskContext tc = TaskContext.get();
          throw new BadRowException(
              problem + "; cannot score it",
              seen + " of partition " + (tc == null ? 0 : tc.partitionId()));
        }
        System.arraycopy(row, 0, x, pending.size() * d, d);
        pending.add(r);
        seen++;
      }
      int m = pending.size();
      float[] out;
      int width;
      try (NoGrad ng = NoGrad.enter()) {
        float[] xs = m == batchSize ? x : java.util.Arrays.copyOf(x, m * d);
        Tensor y = replica.forwardEval(replica.inputs(xs, m, d));
        width = y.size(1);
        out = y.toFloatArray();
      }
      List<Row> done = new ArrayList<>(m);
      for (int i = 0; i < m; i++) {
        Row r = pending.get(i);
        Object[] vals = new Object[inputCols + outputs.count()];
        for (int c = 0; c < inputCols; c++) {
          vals[c] = r.get(c);
        }
        outputs.values(out, i * width, width, vals, inputCols);
        done.add(RowFactory.create(vals));
      }
      return done.iterator();
    }

    /** Row {@code r}'s features value: its one column's, or a struct of its feature columns'. */
    private Object features(Row r) {
      if (!reader.isPacked()) {
        return r.get(featuresIndex[0]);
      }
      Object[] v = new Object[featuresIndex.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = r.get(featuresIndex[i]);
      }
      return RowFactory.create(v);
    }
  }
}
