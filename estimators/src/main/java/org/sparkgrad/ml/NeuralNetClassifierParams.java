package org.sparkgrad.ml;

import org.sparkgrad.ml.params.ClassifierParams;

/**
 * The classifier's params: those of {@link NeuralNetParams} and its own ({@link ClassifierParams}:
 * two extra output columns, and the loss's class weights and label smoothing).
 */
public interface NeuralNetClassifierParams extends NeuralNetParams, ClassifierParams {}
