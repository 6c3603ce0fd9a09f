package org.sparkgrad.ml.data;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.Partition;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgrad.spark.ConfEntry;
import org.sparkgrad.spark.SparkgradConf;

/**
 * The data preparation of {@link DataStorage#STREAM}: each partition's rows converted lazily into
 * chunks of {@code spark.sparkgrad.fit.streamChunkKiB}, written as they are built to the executor's
 * disk at {@link #LEVEL}, the row ids ranked by Spark without collecting ({@link
 * RowIdAssigner#assignChunks}), and the trainer given one handle per partition ({@link
 * PartitionData#streamed}) that reads the chunks from disk again each epoch. No step of it holds a
 * whole partition, on an executor or on the driver.
 */
final class StreamedPreparation {
  private static final Logger LOG = LoggerFactory.getLogger(StreamedPreparation.class);

  /**
   * Where the chunks are kept: {@code DISK_ONLY}, never in Spark's memory store. A cached partition
   * is one block, however many chunks it has, and at {@code MEMORY_AND_DISK_SER} the memory store
   * first serializes the whole partition into the heap, in 1 MiB buffers, for as long as storage
   * memory lasts, and reads a spilled partition back whole into memory when it fits. Each 1 MiB
   * buffer is a G1 humongous object that takes two 1 MiB regions, so the heap holds twice what
   * Spark accounts: in {@code LargeDataBenchmark} with {@code -Xmx512m}, 152 such buffers (304 MiB
   * of regions) beside two of Parquet's 16 MiB row-group buffers left no room, and the fit ran out
   * of heap in preparation. Written straight to disk, a task holds one chunk while writing and one
   * while reading (the operating system's page cache keeps recently read chunks in memory).
   */
  static final StorageLevel LEVEL = StorageLevel.DISK_ONLY();

  private StreamedPreparation() {}

  /** Rows per chunk of {@code chunkBytes} for rows of {@code rowBytes}. */
  static int chunkRows(long chunkBytes, long rowBytes) {
    return (int) Math.max(1, Math.min(1 << 20, chunkBytes / rowBytes));
  }

  /**
   * The size of an epoch bucket: {@code configured} bytes, or when that is 0 a sixteenth of a heap
   * of {@code maxHeap} bytes, between 4 and 64 MiB (a bucket is read whole, and its rows copied
   * once into a minibatch).
   */
  static long bucketBytes(long configured, long maxHeap) {
    return configured > 0 ? configured : Math.max(4L << 20, Math.min(64L << 20, maxHeap / 16));
  }

  /** The value of {@code entry} in {@code spark}'s runtime configuration. */
  private static <T> T setting(SparkSession spark, ConfEntry<T> entry) {
    String raw = spark.conf().get(entry.key(), null);
    return raw == null ? entry.defaultValue() : entry.parse(raw);
  }

  /** Converts {@code rows} (read from {@code original}) and prepares their streamed handles. */
  static PreparedData convert(
      SparkSession spark,
      JavaRDD<Row> rows,
      JavaRDD<Row> original,
      RowReader reader,
      DataPreparation.Request req,
      DataPreparation.Inspection ins,
      long start) {
    int nf = ins.numFeatures();
    int ld = ins.labelDim();
    boolean weighted = req.weightCol() != null;
    int chunkRows =
        chunkRows(
            1024L * setting(spark, SparkgradConf.FIT_STREAM_CHUNK_KIB),
            DataStorage.rowBytes(nf, ld, weighted));
    long bucketSetting = 1024L * setting(spark, SparkgradConf.FIT_STREAM_BUCKET_KIB);
    JavaRDD<PartitionData> chunks =
        rows.mapPartitionsWithIndex(
                (Integer p, Iterator<Row> it) -> reader.buildChunks(p, it, chunkRows), true)
            .persist(LEVEL);
    List<double[]> stats;
    try {
      stats = chunks.mapPartitions(it -> partitionStats(it, ld)).collect();
    } catch (Exception e) { // Spark throws its checked SparkException undeclared
      chunks.unpersist(false);
      throw DataPreparation.translate(e, original, reader);
    }
    long[] trainByPartition = new long[stats.size()];
    long train = 0;
    long validation = 0;
    double maxLabel = 0;
    double trainWeight = 0;
    double[] moments = new double[2 * ld];
    for (int p = 0; p < stats.size(); p++) {
      double[] s = stats.get(p);
      trainByPartition[p] = (long) s[0];
      train += (long) s[0];
      validation += (long) s[1];
      maxLabel = Math.max(maxLabel, s[2]);
      trainWeight += s[3];
      for (int j = 0; j < moments.length; j++) {
        moments[j] += s[4 + j];
      }
    }
    JavaRDD<PartitionData> withIds;
    try {
      DataPreparation.checkTotals(req, train, validation, trainWeight);
      withIds = RowIdAssigner.assignChunks(chunks).persist(LEVEL);
      withIds.count();
    } finally {
      chunks.unpersist(false);
    }
    RDD<PartitionData> cached = withIds.rdd();
    Partition[] parts = cached.partitions();
    JavaRDD<PartitionData> handles =
        withIds.mapPartitionsWithIndex(
            (Integer p, Iterator<PartitionData> unused) ->
                Collections.singletonList(
                        PartitionData.streamed(
                            p,
                            ChunkSource.cached(cached, parts[p]),
                            trainByPartition[p],
                            nf,
                            ld,
                            weighted,
                            bucketBytes(bucketSetting, Runtime.getRuntime().maxMemory())))
                    .iterator(),
            true);
    LOG.info(
        "sparkgrad fit: {} training and {} validation rows of {} features in {} partitions,"
            + " streamed from chunks of {} rows on the executors' disks, prepared in {} s",
        train,
        validation,
        nf,
        parts.length,
        chunkRows,
        String.format(Locale.ROOT, "%.2f", (System.nanoTime() - start) / 1e9));
    return new PreparedData(
        handles,
        withIds,
        train,
        validation,
        maxLabel,
        LabelStats.of(moments, trainWeight),
        DataStorage.STREAM);
  }

  /** The summed {@link DataPreparation#stats} of one partition's chunks. */
  private static Iterator<double[]> partitionStats(Iterator<PartitionData> chunks, int labelDim) {
    double[] sum = new double[4 + 2 * labelDim];
    while (chunks.hasNext()) {
      double[] s = DataPreparation.stats(chunks.next());
      for (int j = 0; j < sum.length; j++) {
        sum[j] = j == 2 ? Math.max(sum[2], s[2]) : sum[j] + s[j];
      }
    }
    return Collections.singletonList(sum).iterator();
  }
}
