package org.sparkgrad.optim;

import java.util.List;
import java.util.Map;
import org.sparkgrad.backend.AdamHyper;
import org.sparkgrad.tensor.Tensor;

/** The update that {@link Adam} and {@link AdamW} share; they differ in how weight decay acts. */
abstract class AdamFamily extends Optimizer {
  private final boolean decoupledWeightDecay;

  AdamFamily(List<ParamGroup> groups, AdamOptions<?> defaults, boolean decoupledWeightDecay) {
    super(groups, defaults);
    this.decoupledWeightDecay = decoupledWeightDecay;
  }

  @Override
  protected void validate(ParamGroup group) {
    HyperParams.nonNegative("learning rate", group.lr());
    HyperParams.nonNegative("epsilon", group.get("eps"));
    HyperParams.unitInterval("betas[0]", group.get("beta1"));
    HyperParams.unitInterval("betas[1]", group.get("beta2"));
    HyperParams.nonNegative("weight decay", group.weightDecay());
  }

  @Override
  protected List<String> stateKeys(ParamGroup group) {
    return group.getFlag("amsgrad")
        ? List.of(STEP, "exp_avg", "exp_avg_sq", "max_exp_avg_sq")
        : List.of(STEP, "exp_avg", "exp_avg_sq");
  }

  @Override
  protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Tensor> state) {
    double lr = group.lr();
    double beta1 = group.get("beta1");
    double beta2 = group.get("beta2");
    double eps = group.get("eps");
    double weightDecay = group.weightDecay();
    double step = incrementStep(state);
    Tensor expAvg = buffer(state, "exp_avg", param);
    Tensor expAvgSq = buffer(state, "exp_avg_sq", param);
    boolean amsgrad = group.getFlag("amsgrad");
    Tensor maxSq = amsgrad ? buffer(state, "max_exp_avg_sq", param) : null;
    if (param
        .backend()
        .adamStep(
            param.storage(),
            grad.storage(),
            expAvg.storage(),
            expAvgSq.storage(),
            maxSq == null ? null : maxSq.storage(),
            new AdamHyper(
                lr,
                beta1,
                beta2,
                eps,
                weightDecay,
                decoupledWeightDecay,
                group.getFlag("maximize"),
                step))) {
      return;
    }
    Tensor g = group.getFlag("maximize") ? grad.neg() : grad;
    if (decoupledWeightDecay) {
      param.mulInPlace(1 - lr * weightDecay);
    } else if (weightDecay != 0) {
      g = g.copy().addInPlace(param, weightDecay);
    }
    expAvg.mulInPlace(beta1).addInPlace(g, 1 - beta1);
    expAvgSq.mulInPlace(beta2).addInPlace(g.mul(g), 1 - beta2);
    double biasCorrection1 = 1 - Math.pow(beta1, step);
    double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
    double stepSize = lr / biasCorrection1;
    Tensor second = expAvgSq;
    if (amsgrad) {
      maxSq.copyFrom(maxSq.maximum(expAvgSq));
      second = maxSq;
    }
    // As PyTorch's single-tensor Adam: the denominator is built in place in one temporary.
    Tensor denom = second.sqrt().divInPlace(biasCorrection2Sqrt).addInPlace(eps);
    param.addInPlace(expAvg.div(denom), -stepSize);
  }
}
