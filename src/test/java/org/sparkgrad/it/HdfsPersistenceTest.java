package org.sparkgrad.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkgrad.it.support.LocalSpark;
import org.sparkgrad.ml.NeuralNetClassificationModel;
import org.sparkgrad.ml.NeuralNetClassifier;
import org.sparkgrad.tensor.Generator;

/**
 * Models saved to and loaded from HDFS (an in-JVM MiniDFSCluster with one datanode): a {@code
 * NeuralNetClassificationModel} and a {@code PipelineModel} holding one score exactly as before.
 */
class HdfsPersistenceTest {
  private static MiniDFSCluster dfs;
  private static String root;

  @BeforeAll
  static void startHdfs() throws IOException {
    Configuration conf = new Configuration();
    File base = new File(System.getProperty("sparkgrad.test.dir"), "minidfs");
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.getAbsolutePath());
    dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).format(true).build();
    dfs.waitActive();
    root = "hdfs://127.0.0.1:" + dfs.getNameNodePort() + "/sparkgrad-it";
  }

  @AfterAll
  static void stopHdfs() {
    if (dfs != null) {
      dfs.shutdown();
    }
  }

  @Test
  void classificationModelRoundTripsThroughHdfs() throws IOException {
    SparkSession spark = LocalSpark.session();
    Dataset<Row> data = blobs(spark, 240, 7);
    NeuralNetClassificationModel model = classifier().fit(data);
    String path = root + "/nn";
    model.write().overwrite().save(path);
    assertThat(hdfs().exists(new Path(path + "/metadata"))).isTrue();

    NeuralNetClassificationModel loaded = NeuralNetClassificationModel.load(path);
    assertSameScores(model.transform(data), loaded.transform(data));
    assertThat(accuracy(loaded.transform(data))).isGreaterThan(0.8);
  }

  @Test
  void pipelineModelRoundTripsThroughHdfs() throws IOException {
    SparkSession spark = LocalSpark.session();
    Dataset<Row> data = blobs(spark, 240, 11).withColumnRenamed("features", "raw");
    StandardScaler scaler = new StandardScaler().setInputCol("raw").setOutputCol("features");
    PipelineModel model =
        new Pipeline().setStages(new PipelineStage[] {scaler, classifier()}).fit(data);
    String path = root + "/pipeline";
    model.write().overwrite().save(path);
    assertThat(hdfs().exists(new Path(path + "/stages"))).isTrue();

    PipelineModel loaded = PipelineModel.load(path);
    assertThat(loaded.stages()[1]).isInstanceOf(NeuralNetClassificationModel.class);
    assertSameScores(model.transform(data), loaded.transform(data));
  }

  private static NeuralNetClassifier classifier() {
    return new NeuralNetClassifier()
        .setHiddenLayers(new int[] {8})
        .setBatchSize(32)
        .setMaxEpochs(5)
        .setLearningRate(0.05)
        .setSeed(3);
  }

  private static FileSystem hdfs() throws IOException {
    return dfs.getFileSystem();
  }

  /** Three Gaussian blobs in 4 dimensions, well apart, labels 0, 1, 2. */
  private static Dataset<Row> blobs(SparkSession spark, int rows, long seed) {
    Generator g = new Generator(seed);
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      int label = i % 3;
      double[] x = new double[4];
      for (int j = 0; j < 4; j++) {
        x[j] = (j == label ? 3.0 : 0.0) + 0.5 * g.nextGaussian();
      }
      out.add(RowFactory.create(i, (double) label, Vectors.dense(x)));
    }
    StructType schema =
        new StructType(
            new StructField[] {
              new StructField("id", DataTypes.IntegerType, false, Metadata.empty()),
              new StructField("label", DataTypes.DoubleType, false, Metadata.empty()),
              new StructField("features", new VectorUDT(), false, Metadata.empty())
            });
    return spark.createDataFrame(out, schema).repartition(2);
  }

  private static void assertSameScores(Dataset<Row> before, Dataset<Row> after) {
    List<Row> a = before.orderBy("id").select("probability", "prediction").collectAsList();
    List<Row> b = after.orderBy("id").select("probability", "prediction").collectAsList();
    assertThat(b).hasSameSizeAs(a);
    for (int i = 0; i < a.size(); i++) {
      assertThat(((Vector) b.get(i).get(0)).toArray())
          .as("probability of row %d", i)
          .containsExactly(((Vector) a.get(i).get(0)).toArray());
      assertThat(b.get(i).getDouble(1)).isEqualTo(a.get(i).getDouble(1));
    }
  }

  private static double accuracy(Dataset<Row> scored) {
    return (double) scored.filter("prediction = label").count() / scored.count();
  }
}
