/**
 * The estimators' params, each declared once ({@link org.sparkgrad.ml.params.ParamDecl}: name, doc,
 * validator, default) in the group interface of its concern, as XGBoost4J-Spark's {@code params/}
 * traits: {@link org.sparkgrad.ml.params.ColumnParams}, {@link
 * org.sparkgrad.ml.params.NetworkParams}, {@link org.sparkgrad.ml.params.TrainingParams}, {@link
 * org.sparkgrad.ml.params.OptimizerParams}, {@link org.sparkgrad.ml.params.ExecutionParams}, {@link
 * org.sparkgrad.ml.params.CheckpointParams}, and the classifier's and regressor's own ({@link
 * org.sparkgrad.ml.params.ClassifierParams}, {@link org.sparkgrad.ml.params.RegressorParams}). The
 * user-module group lives beside {@code ModuleFactory} in {@code org.sparkgrad.ml}. Each estimator
 * or model instance makes its {@link org.sparkgrad.ml.params.ParamSet} from the declarations.
 */
package org.sparkgrad.ml.params;
