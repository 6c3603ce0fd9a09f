package org.sparkgrad.ml.params;

import static org.sparkgrad.ml.params.ParamDecl.intAtLeast;

import java.util.List;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;

/** Where and how often a fit writes checkpoints, and how many it keeps. */
public interface CheckpointParams extends HasParamSet {
  /** The units of {@code checkpointInterval}. */
  List<String> CHECKPOINT_UNITS = List.of("epoch", "step");

  ParamDecl<Param<String>> CHECKPOINT_DIR =
      ParamDecl.string(
          "checkpointDir",
          "Hadoop path of the folder where the fit writes checkpoints and from whose newest"
              + " valid checkpoint a restarted fit resumes; empty: no checkpoints",
          "");

  ParamDecl<IntParam> CHECKPOINT_INTERVAL =
      intAtLeast(
          "checkpointInterval",
          "write a checkpoint every this many checkpointIntervalUnit (epochs or steps)",
          1,
          1);

  ParamDecl<Param<String>> CHECKPOINT_INTERVAL_UNIT =
      ParamDecl.choice(
          "checkpointIntervalUnit",
          "unit of checkpointInterval: epoch (at the end of an epoch) or step (optimizer steps,"
              + " also in the middle of an epoch)",
          CHECKPOINT_UNITS,
          "epoch");

  ParamDecl<IntParam> KEEP_CHECKPOINTS =
      intAtLeast(
          "keepCheckpoints", "how many of the newest checkpoints to keep in checkpointDir", 1, 2);

  ParamDecl<BooleanParam> CHECKPOINT_OVERWRITE =
      ParamDecl.bool(
          "checkpointOverwrite",
          "if checkpointDir holds checkpoints of a different run, delete them and train from the"
              + " start instead of failing",
          false);

  /** The declarations of this group. */
  List<ParamDecl<?>> DECLARED =
      List.of(
          CHECKPOINT_DIR,
          CHECKPOINT_INTERVAL,
          CHECKPOINT_INTERVAL_UNIT,
          KEEP_CHECKPOINTS,
          CHECKPOINT_OVERWRITE);

  /** Param for the checkpoint folder (a Hadoop path); empty for no checkpoints. */
  default Param<String> checkpointDir() {
    return paramSet().get(CHECKPOINT_DIR);
  }

  /** Returns the checkpoint folder (a Hadoop path); empty for no checkpoints. */
  default String getCheckpointDir() {
    return getOrDefault(checkpointDir());
  }

  /** Param for how many epochs or steps ({@code checkpointIntervalUnit}) between checkpoints. */
  default IntParam checkpointInterval() {
    return paramSet().get(CHECKPOINT_INTERVAL);
  }

  /** Returns how many epochs or steps ({@code checkpointIntervalUnit}) between checkpoints. */
  default int getCheckpointInterval() {
    return (Integer) getOrDefault(checkpointInterval());
  }

  /** Param for the unit of {@code checkpointInterval}: {@code epoch} or {@code step}. */
  default Param<String> checkpointIntervalUnit() {
    return paramSet().get(CHECKPOINT_INTERVAL_UNIT);
  }

  /** Returns the unit of {@code checkpointInterval}: {@code epoch} or {@code step}. */
  default String getCheckpointIntervalUnit() {
    return getOrDefault(checkpointIntervalUnit());
  }

  /** Param for how many of the newest checkpoints are kept. */
  default IntParam keepCheckpoints() {
    return paramSet().get(KEEP_CHECKPOINTS);
  }

  /** Returns how many of the newest checkpoints are kept. */
  default int getKeepCheckpoints() {
    return (Integer) getOrDefault(keepCheckpoints());
  }

  /** Param for starting over when {@code checkpointDir} holds another run's checkpoints. */
  default BooleanParam checkpointOverwrite() {
    return paramSet().get(CHECKPOINT_OVERWRITE);
  }

  /** Returns whether a fit starts over when {@code checkpointDir} holds another run's. */
  default boolean getCheckpointOverwrite() {
    return (Boolean) getOrDefault(checkpointOverwrite());
  }
}
