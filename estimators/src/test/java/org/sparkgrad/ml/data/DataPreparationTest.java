package org.sparkgrad.ml.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.sparkgrad.ml.support.Data;
import org.sparkgrad.ml.support.TestSpark;

/** The Spark side of data preparation: content row ids, partition counts, lineage, caching. */
class DataPreparationTest {
  private static final DataPreparation.Request REQUEST =
      new DataPreparation.Request("features", "label", null, null, true, 0);

  private static PreparedData prepare(Dataset<Row> df, int numPartitions) {
    DataPreparation.Request req =
        new DataPreparation.Request("features", "label", null, null, true, numPartitions);
    return DataPreparation.convert(df, req, DataPreparation.inspect(df, req), 0, "");
  }

  /** Row id by content hash; each hash is unique in these rows. */
  private static Map<Long, Long> idsByHash(PreparedData data) {
    Map<Long, Long> out = new HashMap<>();
    for (PartitionData p : data.partitions().collect()) {
      for (int r = 0; r < p.train().rows(); r++) {
        assertThat(out.put(p.train().hashes()[r], p.train().rowIds()[r])).isNull();
      }
    }
    return out;
  }

  @Test
  void rowIdsDependOnTheRowsNotTheirPartitioning() {
    Dataset<Row> df = Data.blobsFrame(50, 12);
    PreparedData one = prepare(df.repartition(1), 0);
    PreparedData three = prepare(df.repartition(3), 3);
    PreparedData shuffled = prepare(df.orderBy(org.apache.spark.sql.functions.rand(4)), 2);
    try {
      assertThat(one.partitions().getNumPartitions()).isEqualTo(1);
      assertThat(three.partitions().getNumPartitions()).isEqualTo(3);
      Map<Long, Long> ids = idsByHash(one);
      assertThat(ids.values())
          .containsExactlyInAnyOrderElementsOf(
              java.util.stream.LongStream.range(0, 50).boxed().toList());
      assertThat(idsByHash(three)).isEqualTo(ids);
      assertThat(idsByHash(shuffled)).isEqualTo(ids);
      assertThat(one.trainRows()).isEqualTo(50);
      assertThat(one.maxLabel()).isEqualTo(2.0);
    } finally {
      one.unpersist();
      three.unpersist();
      shuffled.unpersist();
    }
    assertThat(TestSpark.session().sparkContext().getPersistentRDDs().isEmpty()).isTrue();
  }

  @Test
  void streamedChunksGetTheIdsOfBlocksInMemory() {
    Dataset<Row> df = Data.blobsFrame(120, 14).repartition(3);
    DataPreparation.Request req =
        new DataPreparation.Request(
            "features", "label", null, null, true, 3, 0, java.util.List.of(), DataStorage.STREAM);
    TestSpark.session().conf().set("spark.sparkgrad.fit.streamChunkKiB", "1"); // 25 rows a chunk
    PreparedData streamed;
    try {
      streamed = DataPreparation.convert(df, req, DataPreparation.inspect(df, req), 0, "");
    } finally {
      TestSpark.session().conf().unset("spark.sparkgrad.fit.streamChunkKiB");
    }
    PreparedData memory = prepare(df, 3);
    try {
      assertThat(streamed.storage()).isEqualTo(DataStorage.STREAM);
      assertThat(memory.storage()).isEqualTo(DataStorage.MEMORY);
      // the chunks are on disk only: nothing of them in Spark's memory store, whatever its room
      assertThat(streamed.cached().getStorageLevel()).isEqualTo(StorageLevel.DISK_ONLY());
      int cachedId = streamed.cached().id();
      RDDInfo info =
          Arrays.stream(TestSpark.session().sparkContext().getRDDStorageInfo())
              .filter(i -> i.id() == cachedId)
              .findFirst()
              .orElseThrow();
      assertThat(info.numCachedPartitions()).isEqualTo(3);
      assertThat(info.memSize()).isZero();
      assertThat(info.diskSize()).isPositive();
      assertThat(streamed.trainRows()).isEqualTo(120);
      assertThat(streamed.maxLabel()).isEqualTo(2.0);
      Map<Long, Long> ids = new HashMap<>();
      int chunks = 0;
      for (PartitionData c : streamed.cached().collect()) {
        chunks++;
        for (int r = 0; r < c.train().rows(); r++) {
          assertThat(ids.put(c.train().hashes()[r], c.train().rowIds()[r])).isNull();
        }
      }
      assertThat(chunks).isGreaterThan(3);
      assertThat(ids).isEqualTo(idsByHash(memory));
      assertThat(streamed.partitions().map(PartitionData::trainRows).reduce(Long::sum))
          .isEqualTo(120L);
    } finally {
      streamed.unpersist();
      memory.unpersist();
    }
  }

  @Test
  void rankingOnTheDriverGivesTheIdsOfTheDistributedRanking() {
    PreparedData three =
        prepare(Data.blobsFrame(200, 13).repartition(3), 3); // ranked on the driver
    try {
      Map<Long, Long> distributed = new HashMap<>();
      for (PartitionData p : RowIdAssigner.assignDistributed(three.partitions()).collect()) {
        for (int r = 0; r < p.train().rows(); r++) {
          distributed.put(p.train().hashes()[r], p.train().rowIds()[r]);
        }
      }
      assertThat(distributed).hasSize(200);
      assertThat(idsByHash(three)).isEqualTo(distributed);
    } finally {
      three.unpersist();
    }
  }

  @Test
  void equalHashesTakeConsecutiveRanksInPartitionAndRowOrder() {
    long[][] ids =
        RowIdAssigner.ranks(new long[][] {{5, -3, 5, Long.MAX_VALUE}, {}, {5, 0, Long.MIN_VALUE}});
    // sorted as signed longs: MIN, -3, 0, 5, 5, 5, MAX
    assertThat(ids[0]).containsExactly(3, 1, 4, 6);
    assertThat(ids[1]).isEmpty();
    assertThat(ids[2]).containsExactly(5, 2, 0);
  }

  @Test
  void byDefaultTheInputsPartitionsAreKeptUpToTheDefaultParallelism() {
    Dataset<Row> df = Data.blobsFrame(30, 13);
    PreparedData five = prepare(df.repartition(5), 0);
    PreparedData one = prepare(df.repartition(1), 0);
    try {
      assertThat(TestSpark.session().sparkContext().defaultParallelism()).isEqualTo(2);
      assertThat(five.partitions().getNumPartitions()).isEqualTo(2);
      assertThat(one.partitions().getNumPartitions()).isEqualTo(1);
    } finally {
      five.unpersist();
      one.unpersist();
    }
  }

  @Test
  void driverLocalRowsAreDetectedSoTheyCanBeShuffledOnce() {
    Dataset<Row> local = Data.blobsFrame(20000, 14);
    assertThat(Lineage.carriesDriverData(local.javaRDD().rdd())).isTrue();
    assertThat(Lineage.carriesDriverData(Data.blobsFrame(10, 14).javaRDD().rdd())).isFalse();
    assertThat(Lineage.carriesDriverData(local.repartition(2).javaRDD().rdd())).isFalse();
    assertThat(Lineage.carriesDriverData(TestSpark.session().range(10).javaRDD().rdd())).isFalse();
  }

  @Test
  void inspectionReadsSizesFromTheFirstRowOrTheMetadata() {
    DataPreparation.Inspection ins = DataPreparation.inspect(Data.blobsFrame(5, 1), REQUEST);
    assertThat(ins.numFeatures()).isEqualTo(4);
    assertThat(ins.featuresOrigin()).isEqualTo("the size of the first row");
    assertThat(ins.labelDim()).isEqualTo(1);
    assertThat(ins.metadataClasses()).isEqualTo(0);
    Dataset<Row> withMeta =
        Data.blobsFrame(5, 1)
            .withColumn(
                "features",
                org.apache
                    .spark
                    .sql
                    .functions
                    .col("features")
                    .as(
                        "features",
                        new org.apache.spark.ml.attribute.AttributeGroup("features", 4)
                            .toMetadata()));
    assertThat(DataPreparation.inspect(withMeta, REQUEST).featuresOrigin())
        .isEqualTo("the size in the column's metadata");
    assertThat(List.of(ins)).hasSize(1);
  }
}
