package org.sparkgrad.ml;

import org.sparkgrad.ml.params.RegressorParams;

/**
 * The regressor's params: those of {@link NeuralNetParams} and its own ({@link RegressorParams}:
 * how the label is scaled for training).
 */
public interface NeuralNetRegressorParams extends NeuralNetParams, RegressorParams {}
