package org.sparkgrad.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The hyper-parameters that {@link Adam} and {@link AdamW} share: lr, betas (stored as {@code
 * beta1} and {@code beta2}), eps, weight_decay, amsgrad and maximize.
 *
 * @param <T> the concrete options type, returned by the setters
 */
public abstract class AdamOptions<T extends AdamOptions<T>> extends OptimizerOptions<T> {

  /** Options with PyTorch's defaults and the given weight decay. */
  AdamOptions(double weightDecay) {
    super(defaults(weightDecay), Set.of("amsgrad", "maximize"));
  }

  private static Map<String, Double> defaults(double weightDecay) {
    LinkedHashMap<String, Double> m = new LinkedHashMap<>();
    m.put("lr", 1e-3);
    m.put("beta1", 0.9);
    m.put("beta2", 0.999);
    m.put("eps", 1e-8);
    m.put("weight_decay", weightDecay);
    m.put("amsgrad", 0.0);
    m.put("maximize", 0.0);
    return m;
  }

  /** Sets the decay rates of the first and second moment averages (PyTorch's betas pair). */
  public T betas(double beta1, double beta2) {
    put("beta1", beta1);
    return put("beta2", beta2);
  }

  /** Sets the term added to the denominator for numerical stability. */
  public T eps(double eps) {
    return put("eps", eps);
  }

  /** Uses the AMSGrad variant (the maximum of past second moments). */
  public T amsgrad(boolean amsgrad) {
    return putFlag("amsgrad", amsgrad);
  }
}
