package org.sparkgrad.ml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.Generator;

/**
 * A streamed partition serves every minibatch window with the rows, in the order, that the same
 * rows held in memory do: through its epoch buckets on disk, with windows that span buckets and
 * buckets that hold no row of the partition. No Spark: the chunks come from a list.
 */
class StreamedPartitionTest {
  private static final int N = 1000; // rows of the data set
  private static final int F = 3;

  /** Rows with row ids {@code ids}: features, two label values and a weight, all from the id. */
  private static DataBlock rows(long[] ids) {
    int m = ids.length;
    float[] x = new float[m * F];
    float[] y = new float[m * 2];
    float[] w = new float[m];
    for (int r = 0; r < m; r++) {
      Generator g = new Generator(ids[r]);
      for (int j = 0; j < F; j++) {
        x[r * F + j] = ids[r] * 10 + j + (float) g.nextGaussian();
      }
      y[2 * r] = ids[r] % 7;
      y[2 * r + 1] = -ids[r];
      w[r] = 0.5f + (ids[r] % 3);
    }
    return new DataBlock(m, F, 2, x, y, w, new long[m], ids);
  }

  /** The ids this partition owns: a seeded third of {@code [0, N)}, in no particular order. */
  private static long[] ownedIds() {
    Generator g = new Generator(5);
    List<Long> ids = new ArrayList<>();
    for (long i = 0; i < N; i++) {
      if (g.nextDouble() < 0.33) {
        ids.add(i);
      }
    }
    java.util.Collections.shuffle(ids, new java.util.Random(3));
    return ids.stream().mapToLong(Long::longValue).toArray();
  }

  private static List<PartitionData> chunks(long[] ids, int chunkRows) {
    List<PartitionData> out = new ArrayList<>();
    for (int from = 0; from < ids.length; from += chunkRows) {
      long[] part = java.util.Arrays.copyOfRange(ids, from, Math.min(ids.length, from + chunkRows));
      DataBlock validation = rows(new long[] {N + from}); // one validation row per chunk
      out.add(new PartitionData(0, rows(part), validation));
    }
    return out;
  }

  @Test
  void windowsOfEveryEpochMatchTheRowsHeldInMemory() {
    long[] ids = ownedIds();
    PartitionData memory = new PartitionData(0, rows(ids), rows(new long[0]));
    List<PartitionData> chunks = chunks(ids, 37);
    long recordBytes = new EpochBuckets.Layout(F, 2, true).recordBytes();
    // about 20 rows a bucket: a minibatch of 16 positions (about 5 of this partition's rows)
    // often spans two buckets
    PartitionData streamed =
        PartitionData.streamed(0, chunks::iterator, ids.length, F, 2, true, 20 * recordBytes);
    try {
      int windows = 0;
      for (boolean shuffle : new boolean[] {true, false}) {
        for (int epoch = 0; epoch < 2; epoch++) {
          for (long from = 0; from < N; from += 16) {
            DataBlock.Batch a = memory.window(N, 9, epoch, shuffle, from, from + 16);
            DataBlock.Batch b = streamed.window(N, 9, epoch, shuffle, from, from + 16);
            assertThat(b.rowIds()).as("epoch %d from %d", epoch, from).isEqualTo(a.rowIds());
            assertThat(b.x()).isEqualTo(a.x());
            assertThat(b.y()).isEqualTo(a.y());
            assertThat(b.w()).isEqualTo(a.w());
            windows += a.rows() > 0 ? 1 : 0;
          }
        }
      }
      assertThat(windows).isGreaterThan(200);
      // a window asked out of order is served too (a bucket is loaded again)
      DataBlock.Batch late = streamed.window(N, 9, 1, false, 900, 1000);
      DataBlock.Batch early = streamed.window(N, 9, 1, false, 0, 100);
      assertThat(early.rowIds()).isEqualTo(memory.window(N, 9, 1, false, 0, 100).rowIds());
      assertThat(late.rowIds()).isEqualTo(memory.window(N, 9, 1, false, 900, 1000).rowIds());
    } finally {
      streamed.closeBuckets();
    }
  }

  @Test
  void aStreamedPartitionReadsItsValidationRowsAndHashesChunkByChunk() {
    long[] ids = ownedIds();
    List<PartitionData> chunks = chunks(ids, 50);
    PartitionData streamed =
        PartitionData.streamed(0, chunks::iterator, ids.length, F, 2, true, 1 << 20);
    List<Long> validationIds = new ArrayList<>();
    streamed.validationBlocks().forEachRemaining(b -> validationIds.add(b.rowIds()[0]));
    assertThat(validationIds).hasSize(chunks.size()).startsWith((long) N, N + 50L);
    long[] sums = new long[2];
    for (PartitionData c : chunks) {
      sums[0] += c.hashSums()[0];
      sums[1] += c.hashSums()[1];
    }
    assertThat(streamed.hashSums()).isEqualTo(sums);
    assertThat(streamed.trainRows()).isEqualTo(ids.length);
    assertThatThrownBy(streamed::train).hasMessageContaining("partition 0 is streamed");
  }

  @Test
  void bucketsKeepTheirRelativePositionsBelowTwoToThe31() {
    EpochBuckets.Layout layout = new EpochBuckets.Layout(10, 1, false);
    assertThat(EpochBuckets.bucketsFor(100, layout, 1000, 1 << 20)).isEqualTo(1);
    assertThat(EpochBuckets.bucketsFor(1_000_000, layout, 1_000_000, 1 << 20)).isEqualTo(58);
    assertThat(EpochBuckets.bucketsFor(10, layout, 5L << 31, 1 << 20)).isEqualTo(6);
  }
}
