package org.sparkgrad.examples;

import org.sparkgrad.ml.NeuralNetEstimator;

/**
 * The checked options of {@link TrainJob} ({@link TrainCommand} parses them): the input ({@link
 * InputOptions}), the network and training settings (passed to the estimator, which validates
 * them), the splits and the outputs.
 *
 * @param input where the table is and which columns to use
 * @param task {@code classification} or {@code regression}
 * @param validationFraction the share of training rows held out each epoch for validation
 * @param testFraction the share of rows held out and scored after training
 * @param output the model path
 * @param summary the training summary JSON path
 * @param plot the learning-curve PNG path
 * @param onnx where the model is also exported as ONNX, or null for no export
 * @param overwrite whether existing outputs are replaced
 * @param estimator the configured estimator (not yet fitted)
 */
record TrainOptions(
    InputOptions input,
    String task,
    double validationFraction,
    double testFraction,
    String output,
    String summary,
    String plot,
    String onnx,
    boolean overwrite,
    NeuralNetEstimator<?, ?> estimator) {

  /** Whether the task is classification. */
  boolean classification() {
    return task.equals("classification");
  }
}
