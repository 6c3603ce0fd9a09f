package org.sparkgrad.ml.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgrad.ml.train.CheckpointHook;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.ml.train.RunFingerprint;
import org.sparkgrad.ml.train.TrainingCheckpoint;

/**
 * The checkpoint policy of one fit, over a {@link CheckpointStore}: when to write (every {@code
 * interval} epochs, or every {@code interval} optimizer steps, and at the end of the fit), how many
 * to keep, and what to resume from: the newest checkpoint that reads back intact (a damaged one is
 * skipped with a warning naming it and why), provided it was written by the same run (same {@link
 * RunFingerprint}); otherwise the fit fails naming every difference, or, with {@code overwrite},
 * deletes the folder's checkpoints and starts from the beginning.
 *
 * <p>A folder is used by one fit at a time: {@link #open} refuses a folder that another fit in this
 * JVM has open until that fit {@link #close}s it.
 */
public final class Checkpointing implements CheckpointHook, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpointing.class);
  private static final Set<String> IN_USE = ConcurrentHashMap.newKeySet();

  /** The settings of the checkpoint params. */
  public record Settings(int interval, String unit, int keep, boolean overwrite) {
    /** Checks the values, naming the param. */
    public Settings {
      if (interval < 1) {
        throw new IllegalArgumentException("checkpointInterval must be >= 1, got " + interval);
      }
      if (!unit.equals("epoch") && !unit.equals("step")) {
        throw new IllegalArgumentException(
            "checkpointIntervalUnit must be one of [epoch, step], got '" + unit + "'");
      }
      if (keep < 1) {
        throw new IllegalArgumentException("keepCheckpoints must be >= 1, got " + keep);
      }
    }
  }

  private final CheckpointStore store;
  private final NetworkSpec spec;
  private final Map<String, String> fingerprint;
  private final Settings settings;
  private final int maxEpochs;
  private final String key;
  private final List<String> skipped = new ArrayList<>();
  private CheckpointStore.Entry resumedFrom;

  private Checkpointing(
      CheckpointStore store,
      NetworkSpec spec,
      Map<String, String> fingerprint,
      Settings settings,
      int maxEpochs,
      String key) {
    this.store = store;
    this.spec = spec;
    this.fingerprint = Map.copyOf(fingerprint);
    this.settings = settings;
    this.maxEpochs = maxEpochs;
    this.key = key;
  }

  /**
   * The checkpoints of a fit of {@code spec}, run {@code fingerprint}, in {@code store}'s folder.
   *
   * @throws IllegalStateException if another fit in this JVM uses the folder
   */
  public static Checkpointing open(
      CheckpointStore store,
      NetworkSpec spec,
      Map<String, String> fingerprint,
      Settings settings,
      int maxEpochs) {
    String key = store.dir().toUri().normalize().toString();
    if (!IN_USE.add(key)) {
      throw new IllegalStateException(
          "checkpointDir "
              + store.dir()
              + " is in use by another fit in this JVM; give each concurrent fit its own"
              + " checkpointDir");
    }
    return new Checkpointing(store, spec, fingerprint, settings, maxEpochs, key);
  }

  /** Releases the folder for other fits. */
  @Override
  public void close() {
    IN_USE.remove(key);
  }

  /** The checkpoints skipped as damaged by {@link #resume}, as "folder: reason". */
  public List<String> skipped() {
    return List.copyOf(skipped);
  }

  /** The checkpoint {@link #resume} resumed from, or null. */
  public CheckpointStore.Entry resumedFrom() {
    return resumedFrom;
  }

  @Override
  public TrainingCheckpoint resume(int stepsPerEpoch) {
    List<CheckpointStore.Entry> entries;
    try {
      entries = store.list();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpointDir " + store.dir() + ": " + e, e);
    }
    for (CheckpointStore.Entry e : entries) {
      Map<String, byte[]> files;
      Map<String, String> saved;
      try {
        files = store.read(e.path());
        saved = CheckpointCodec.fingerprint(files);
      } catch (CheckpointStore.DamagedCheckpointException | IllegalArgumentException bad) {
        skip(e, bad.getMessage());
        continue;
      }
      List<String> diffs = RunFingerprint.differences(saved, fingerprint);
      TrainingCheckpoint c = null;
      if (diffs.isEmpty()) {
        try {
          c = CheckpointCodec.decode(files, spec);
        } catch (IllegalArgumentException bad) {
          skip(e, bad.getMessage());
          continue;
        }
        if (c.epoch() > maxEpochs || (c.epoch() == maxEpochs && c.step() > 0)) {
          diffs = List.of(where(c, stepsPerEpoch) + ", past this fit's maxEpochs " + maxEpochs);
        }
      }
      if (!diffs.isEmpty()) {
        return startOver(e, diffs);
      }
      resumedFrom = e;
      LOG.info(
          "sparkgrad fit: resuming from checkpoint {} ({}, {} optimizer steps done)",
          e.path(),
          where(c, stepsPerEpoch),
          c.globalStep());
      return c;
    }
    if (!skipped.isEmpty()) {
      LOG.warn(
          "sparkgrad fit: no usable checkpoint in {}; training from the beginning", store.dir());
    }
    return null;
  }

  /** "after epoch 3", or "in epoch 4 after step 2 of 8" (of steps omitted if unknown). */
  private static String where(TrainingCheckpoint c, int stepsPerEpoch) {
    return c.step() == 0
        ? "after epoch " + c.epoch()
        : "in epoch "
            + (c.epoch() + 1)
            + " after step "
            + c.step()
            + (stepsPerEpoch > 0 ? " of " + stepsPerEpoch : "");
  }

  private void skip(CheckpointStore.Entry e, String reason) {
    skipped.add(e.path().getName() + ": " + reason);
    LOG.warn("sparkgrad fit: skipping damaged checkpoint {}: {}", e.path(), reason);
  }

  private TrainingCheckpoint startOver(CheckpointStore.Entry e, List<String> diffs) {
    String what = "checkpoint " + e.path() + " is for " + String.join("; for ", diffs);
    if (!settings.overwrite()) {
      throw new IllegalArgumentException(
          what
              + "; use a new checkpointDir, or set checkpointOverwrite to true to delete the"
              + " checkpoints in "
              + store.dir()
              + " and train from the beginning");
    }
    LOG.warn(
        "sparkgrad fit: {}; checkpointOverwrite is set: deleting the checkpoints in {} and"
            + " training from the beginning",
        what,
        store.dir());
    try {
      store.deleteAll();
    } catch (IOException io) {
      throw new UncheckedIOException("cannot delete the checkpoints in " + store.dir(), io);
    }
    return null;
  }

  @Override
  public boolean dueAfterStep(long globalSteps) {
    return settings.unit().equals("step") && globalSteps % settings.interval() == 0;
  }

  @Override
  public boolean dueAfterEpoch(int epochs, long globalSteps, boolean last) {
    return last
        || (settings.unit().equals("epoch")
            ? epochs % settings.interval() == 0
            : globalSteps % settings.interval() == 0);
  }

  @Override
  public void save(TrainingCheckpoint c) {
    Map<String, byte[]> files = CheckpointCodec.encode(c, spec, fingerprint);
    try {
      Path p = store.write(c.globalStep(), files);
      List<Path> deleted = store.prune(c.globalStep(), settings.keep());
      LOG.info(
          "sparkgrad fit: checkpoint {} written ({}){}",
          p,
          where(c, 0),
          deleted.isEmpty() ? "" : "; deleted " + deleted.size() + " older");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not write a checkpoint to checkpointDir " + store.dir() + ": " + e, e);
    }
  }
}
