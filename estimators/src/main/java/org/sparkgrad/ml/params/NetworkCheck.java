package org.sparkgrad.ml.params;

import java.io.Serializable;
import org.sparkgrad.ml.train.NetworkSpec;
import scala.runtime.AbstractFunction1;

/**
 * The validator of the {@code network} param, which Spark calls from {@code set}: a non-empty value
 * must parse as a network description, so malformed JSON fails in {@code setNetwork} with the
 * position of the error, and an unknown layer type or key with the layer's index, not at {@code
 * fit}. How the layers chain (widths, shapes) depends on the data and on {@code inputShape}, so
 * that is checked when the fit builds the network.
 */
final class NetworkCheck extends AbstractFunction1<String, Object> implements Serializable {
  private static final long serialVersionUID = 1L;

  @Override
  public Object apply(String value) {
    if (value == null) {
      throw new IllegalArgumentException("network must be a string (not null), got null");
    }
    if (!value.isEmpty()) {
      NetworkSpec.parseLayers(value);
    }
    return true;
  }
}
