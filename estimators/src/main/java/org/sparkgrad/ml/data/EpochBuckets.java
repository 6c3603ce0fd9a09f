package org.sparkgrad.ml.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One epoch's order of a streamed partition's training rows, kept on the local disk: an external
 * bucket sort. The rows are read once, chunk by chunk, and each is appended to the file of its
 * bucket, a range of {@code span} epoch positions; {@link #window} then loads the bucket that holds
 * a minibatch's positions and sorts it in memory. Minibatches take positions in increasing order,
 * so each bucket is loaded once an epoch, and the heap holds one chunk while writing and one bucket
 * while training, whatever the size of the partition.
 *
 * <p>A row's record is its position and row id (8 bytes each), its weight if rows are weighted,
 * then its features and labels as float32.
 */
final class EpochBuckets implements AutoCloseable {
  private final Key key;
  private final Path dir;
  private final Layout layout;
  private final long span;
  private final long[] counts;
  private int loaded = -1;
  private long[] positions;
  private DataBlock block;
  private int[] identity;

  /** What the order is of: {@code n} rows, seed, epoch and whether they are shuffled. */
  record Key(long n, long seed, int epoch, boolean shuffle) {}

  /** The shape of a row: features, label values, and whether it has a weight. */
  record Layout(int numFeatures, int labelDim, boolean weighted) {
    int recordBytes() {
      return 16 + (weighted ? 4 : 0) + 4 * (numFeatures + labelDim);
    }
  }

  private EpochBuckets(Key key, Path dir, Layout layout, long span, long[] counts) {
    this.key = key;
    this.dir = dir;
    this.layout = layout;
    this.span = span;
    this.counts = counts;
  }

  /** The number of buckets for {@code rows} rows of {@code layout} in {@code n}. */
  static int bucketsFor(long rows, Layout layout, long n, long bucketBytes) {
    long bySize = Math.max(1, (rows * layout.recordBytes() + bucketBytes - 1) / bucketBytes);
    // relative positions within a bucket stay below 2^31, for the packed sort keys of #load
    long byRange = (n >> 31) + 1;
    return (int) Math.min(Math.max(bySize, byRange), Math.min(n, 1 << 16));
  }

  /**
   * Reads {@code source}'s training rows (about {@code rows} of them) once and writes them into
   * bucket files under a new folder in {@code parent}.
   */
  static EpochBuckets write(
      ChunkSource source, long rows, Layout layout, Key key, long bucketBytes, Path parent) {
    int k = bucketsFor(rows, layout, key.n(), bucketBytes);
    long span = (key.n() + k - 1) / k;
    long[] counts = new long[k];
    Path dir;
    try {
      dir = Files.createTempDirectory(parent, "sparkgrad-epoch-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a folder for epoch buckets in " + parent, e);
    }
    EpochBuckets out = new EpochBuckets(key, dir, layout, span, counts);
    OutputStream[] files = new OutputStream[k];
    int bufferBytes = (int) Math.max(8 << 10, Math.min(256 << 10, (16L << 20) / k));
    EpochPermutation perm =
        key.shuffle() ? new EpochPermutation(key.n(), key.seed(), key.epoch()) : null;
    ByteBuffer rec = ByteBuffer.allocate(layout.recordBytes());
    try {
      for (Iterator<PartitionData> it = source.open(); it.hasNext(); ) {
        DataBlock b = it.next().train();
        long[] ids = b.rowIds();
        for (int r = 0; r < b.rows(); r++) {
          long pos = perm == null ? ids[r] : perm.positionOf(ids[r]);
          int bucket = (int) (pos / span);
          if (files[bucket] == null) {
            files[bucket] =
                new BufferedOutputStream(Files.newOutputStream(out.file(bucket)), bufferBytes);
          }
          files[bucket].write(record(rec, b, r, pos, ids[r]).array());
          counts[bucket]++;
        }
      }
      for (OutputStream f : files) {
        if (f != null) {
          f.close();
        }
      }
    } catch (IOException | RuntimeException e) {
      for (OutputStream f : files) {
        closeQuietly(f);
      }
      out.close();
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot write epoch buckets in " + dir, io);
      }
      throw (RuntimeException) e;
    }
    return out;
  }

  private static ByteBuffer record(ByteBuffer rec, DataBlock b, int r, long pos, long id) {
    rec.clear();
    rec.putLong(pos).putLong(id);
    if (b.weights() != null) {
      rec.putFloat(b.weights()[r]);
    }
    float[] x = b.features();
    for (int i = r * b.numFeatures(), e = i + b.numFeatures(); i < e; i++) {
      rec.putFloat(x[i]);
    }
    float[] y = b.labels();
    for (int i = r * b.labelDim(), e = i + b.labelDim(); i < e; i++) {
      rec.putFloat(y[i]);
    }
    return rec;
  }

  boolean matches(Key other) {
    return key.equals(other);
  }

  /** The number of bucket files. */
  int buckets() {
    return counts.length;
  }

  /** This partition's rows whose positions are in {@code [from, to)}, in position order. */
  DataBlock.Batch window(long from, long to) {
    List<DataBlock.Batch> parts = new ArrayList<>(2);
    if (to > from) {
      int last = (int) Math.min(counts.length - 1, (to - 1) / span);
      for (int b = (int) Math.min(counts.length - 1, from / span); b <= last; b++) {
        if (counts[b] == 0) {
          continue;
        }
        load(b);
        int lo = EpochOrder.lowerBound(positions, from);
        int hi = EpochOrder.lowerBound(positions, to);
        if (hi > lo) {
          parts.add(block.gather(identity, lo, hi));
        }
      }
    }
    return DataBlock.Batch.concat(parts, layout.numFeatures(), layout.labelDim());
  }

  /** Reads bucket {@code b} into memory, in position order. */
  private void load(int b) {
    if (loaded == b) {
      return;
    }
    block = null; // the previous bucket's arrays can go before this one's are read
    positions = null;
    ByteBuffer in;
    try {
      in = ByteBuffer.wrap(Files.readAllBytes(file(b)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read epoch bucket " + file(b), e);
    }
    int m = Math.toIntExact(counts[b]);
    int rb = layout.recordBytes();
    long base = b * span;
    long[] keys = new long[m];
    for (int i = 0; i < m; i++) {
      keys[i] = ((in.getLong(i * rb) - base) << 32) | i;
    }
    Arrays.sort(keys);
    int nf = layout.numFeatures();
    int ld = layout.labelDim();
    float[] x = new float[m * nf];
    float[] y = new float[m * ld];
    float[] w = layout.weighted() ? new float[m] : null;
    long[] ids = new long[m];
    long[] pos = new long[m];
    for (int j = 0; j < m; j++) {
      int i = (int) keys[j];
      pos[j] = base + (keys[j] >>> 32);
      in.position(i * rb + 8);
      ids[j] = in.getLong();
      if (w != null) {
        w[j] = in.getFloat();
      }
      in.asFloatBuffer().get(x, j * nf, nf).get(y, j * ld, ld);
    }
    positions = pos;
    block = new DataBlock(m, nf, ld, x, y, w, new long[m], ids);
    if (identity == null || identity.length < m) {
      identity = new int[m];
      Arrays.setAll(identity, i -> i);
    }
    loaded = b;
  }

  private Path file(int bucket) {
    return dir.resolve("bucket-" + bucket);
  }

  /** Deletes the bucket files and their folder. */
  @Override
  public void close() {
    block = null;
    positions = null;
    loaded = -1;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete epoch buckets in " + dir, e);
    }
  }

  private static void closeQuietly(OutputStream f) {
    if (f != null) {
      try {
        f.close();
      } catch (IOException ignored) {
        // the write's own error is the one to report
      }
    }
  }
}
