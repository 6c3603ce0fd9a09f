package org.sparkgrad.ml.params;

import static org.sparkgrad.ml.params.ParamDecl.intAtLeast;
import static org.sparkgrad.ml.params.ParamDecl.number;

import java.util.List;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;

/** The optimizer, its learning-rate schedule and gradient clipping. */
public interface OptimizerParams extends HasParamSet {
  /** The optimizers. */
  List<String> OPTIMIZERS = List.of("sgd", "adam", "adamw", "rmsprop");

  /** The learning-rate schedules. */
  List<String> SCHEDULES = List.of("constant", "step", "cosine", "linear");

  ParamDecl<Param<String>> OPTIMIZER =
      ParamDecl.choice("optimizer", "optimizer", OPTIMIZERS, "adam");

  ParamDecl<DoubleParam> LEARNING_RATE =
      number(
          "learningRate",
          "learning rate (peak rate with a schedule)",
          ParamCheck.doubleGt("learningRate", 0),
          1e-3);

  ParamDecl<DoubleParam> MOMENTUM =
      number(
          "momentum",
          "momentum of sgd and rmsprop (Adam's beta1 stays 0.9)",
          ParamCheck.doubleInHalfOpen("momentum", 0, 1),
          0.0);

  ParamDecl<DoubleParam> WEIGHT_DECAY =
      number(
          "weightDecay",
          "weight decay: L2 penalty for sgd, adam, rmsprop; decoupled for adamw",
          ParamCheck.doubleAtLeast("weightDecay", 0),
          0.0);

  ParamDecl<Param<String>> LR_SCHEDULE =
      ParamDecl.choice(
          "lrSchedule",
          "learning-rate schedule after warm-up: constant; step (times lrGamma every"
              + " lrStepSize epochs); cosine or linear (to 0 at the last step)",
          SCHEDULES,
          "constant");

  ParamDecl<IntParam> LR_STEP_SIZE =
      intAtLeast("lrStepSize", "epochs between decays of the step schedule", 1, 10);

  ParamDecl<DoubleParam> LR_GAMMA =
      number(
          "lrGamma",
          "decay factor of the step schedule",
          ParamCheck.doubleInLeftOpen("lrGamma", 0, 1),
          0.1);

  ParamDecl<IntParam> WARMUP_STEPS =
      intAtLeast(
          "warmupSteps",
          "optimizer steps of linear learning-rate warm-up from learningRate / warmupSteps",
          0,
          0);

  ParamDecl<DoubleParam> GRAD_CLIP_NORM =
      number(
          "gradClipNorm",
          "clip the global gradient 2-norm to this value; 0: no clipping",
          ParamCheck.doubleAtLeast("gradClipNorm", 0),
          0.0);

  /** The declarations of this group. */
  List<ParamDecl<?>> DECLARED =
      List.of(
          OPTIMIZER,
          LEARNING_RATE,
          MOMENTUM,
          WEIGHT_DECAY,
          LR_SCHEDULE,
          LR_STEP_SIZE,
          LR_GAMMA,
          WARMUP_STEPS,
          GRAD_CLIP_NORM);

  /** Param for the optimizer. */
  default Param<String> optimizer() {
    return paramSet().get(OPTIMIZER);
  }

  /** Returns the optimizer. */
  default String getOptimizer() {
    return getOrDefault(optimizer());
  }

  /** Param for the (peak) learning rate. */
  default DoubleParam learningRate() {
    return paramSet().get(LEARNING_RATE);
  }

  /** Returns the (peak) learning rate. */
  default double getLearningRate() {
    return (Double) getOrDefault(learningRate());
  }

  /** Param for the momentum of sgd and rmsprop. */
  default DoubleParam momentum() {
    return paramSet().get(MOMENTUM);
  }

  /** Returns the momentum of sgd and rmsprop. */
  default double getMomentum() {
    return (Double) getOrDefault(momentum());
  }

  /** Param for the weight decay. */
  default DoubleParam weightDecay() {
    return paramSet().get(WEIGHT_DECAY);
  }

  /** Returns the weight decay. */
  default double getWeightDecay() {
    return (Double) getOrDefault(weightDecay());
  }

  /** Param for the learning-rate schedule. */
  default Param<String> lrSchedule() {
    return paramSet().get(LR_SCHEDULE);
  }

  /** Returns the learning-rate schedule. */
  default String getLrSchedule() {
    return getOrDefault(lrSchedule());
  }

  /** Param for the epochs between decays of the step schedule. */
  default IntParam lrStepSize() {
    return paramSet().get(LR_STEP_SIZE);
  }

  /** Returns the epochs between decays of the step schedule. */
  default int getLrStepSize() {
    return (Integer) getOrDefault(lrStepSize());
  }

  /** Param for the decay factor of the step schedule. */
  default DoubleParam lrGamma() {
    return paramSet().get(LR_GAMMA);
  }

  /** Returns the decay factor of the step schedule. */
  default double getLrGamma() {
    return (Double) getOrDefault(lrGamma());
  }

  /** Param for the optimizer steps of learning-rate warm-up. */
  default IntParam warmupSteps() {
    return paramSet().get(WARMUP_STEPS);
  }

  /** Returns the optimizer steps of learning-rate warm-up. */
  default int getWarmupSteps() {
    return (Integer) getOrDefault(warmupSteps());
  }

  /** Param for the gradient clipping norm; 0 for none. */
  default DoubleParam gradClipNorm() {
    return paramSet().get(GRAD_CLIP_NORM);
  }

  /** Returns the gradient clipping norm; 0 for none. */
  default double getGradClipNorm() {
    return (Double) getOrDefault(gradClipNorm());
  }
}
