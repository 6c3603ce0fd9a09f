package org.sparkgrad.ml.onnx;

import org.sparkgrad.ml.train.LayerSpec;

/**
 * Turns one kind of network layer into ONNX nodes. {@link LayerExporters} maps each layer type
 * ({@link LayerSpec#type()}) to one of these; a new kind of layer exports by adding one entry.
 */
@FunctionalInterface
public interface LayerExporter {
  /**
   * Adds the nodes that compute {@code layer} on the value {@link LayerContext#input()}.
   *
   * @return the name of the layer's output value (the input itself for an identity layer)
   */
  String export(LayerSpec layer, LayerContext ctx);
}
