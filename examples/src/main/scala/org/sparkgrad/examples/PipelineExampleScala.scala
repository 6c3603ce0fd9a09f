package org.sparkgrad.examples

import org.apache.spark.ml.{Pipeline, PipelineModel}
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator
import org.apache.spark.ml.feature.{StandardScaler, VectorAssembler}
import org.apache.spark.ml.tuning.{CrossValidator, CrossValidatorModel, ParamGridBuilder}
import org.apache.spark.sql.{DataFrame, SparkSession}
import org.sparkgrad.ml.NeuralNetClassifier

import scala.util.Random

/**
 * [[PipelineExample]] as a Scala notebook user writes it: a table built with
 * `import spark.implicits._`, a `VectorAssembler`, a `StandardScaler` and a
 * `NeuralNetClassifier` in a `Pipeline`, tuned with `CrossValidator`, evaluated, saved and
 * loaded back.
 */
object PipelineExampleScala {

  /** Three noisy rings around the origin, one class each, in columns `x`, `y`, `z` (in
    * different units) and `label`. No straight line separates them. */
  def rings(spark: SparkSession, n: Int, seed: Long): DataFrame = {
    import spark.implicits._
    val rnd = new Random(seed)
    val rows = (0 until n).map { i =>
      val label = i % 3
      val angle = rnd.nextDouble() * 2 * math.Pi
      val radius = 1.0 + label + 0.15 * rnd.nextGaussian()
      (radius * math.cos(angle) * 100, radius * math.sin(angle), rnd.nextGaussian() * 5, label.toDouble)
    }
    rows.toDF("x", "y", "z", "label")
  }

  /** Tunes, evaluates, saves to `path` and reloads; returns the test accuracy of the saved and
    * of the reloaded model. */
  def run(spark: SparkSession, path: String): (Double, Double) = {
    val Array(train, test) = rings(spark, 1200, 3).randomSplit(Array(0.8, 0.2), seed = 3)

    val assembler = new VectorAssembler().setInputCols(Array("x", "y", "z")).setOutputCol("raw")
    val scaler = new StandardScaler().setInputCol("raw").setOutputCol("features")
    val nn = new NeuralNetClassifier()
      .setHiddenLayers(Array(32, 16))
      .setLearningRate(1e-2)
      .setBatchSize(64)
      .setMaxEpochs(8)
      .setSeed(3)
    val pipeline = new Pipeline().setStages(Array(assembler, scaler, nn))

    val grid = new ParamGridBuilder()
      .addGrid(nn.hiddenLayers, Seq(Array(32, 16), Array(8)))
      .build()
    val evaluator = new MulticlassClassificationEvaluator().setMetricName("accuracy")
    val cv = new CrossValidator()
      .setEstimator(pipeline)
      .setEstimatorParamMaps(grid)
      .setEvaluator(evaluator)
      .setNumFolds(2)
      .setSeed(3)

    val tuned: CrossValidatorModel = cv.fit(train)
    tuned.avgMetrics.zip(grid).foreach { case (acc, params) =>
      println(f"cross-validated accuracy $acc%.4f for hiddenLayers ${params(nn.hiddenLayers).mkString("[", ",", "]")}")
    }
    val best = tuned.bestModel.asInstanceOf[PipelineModel]
    val accuracy = evaluator.evaluate(best.transform(test))
    println(f"best model's test accuracy: $accuracy%.4f")

    best.write.overwrite().save(path)
    val reloaded = PipelineModel.load(path)
    val reloadedAccuracy = evaluator.evaluate(reloaded.transform(test))
    println(f"saved to $path; reloaded test accuracy: $reloadedAccuracy%.4f")
    reloaded.transform(test).select("label", "prediction", "probability").show(5, truncate = false)
    (accuracy, reloadedAccuracy)
  }

  def main(args: Array[String]): Unit = {
    val path = args.headOption.getOrElse("target/pipeline-example-scala-model")
    val spark = JobSession.getOrCreate("PipelineExampleScala")
    try run(spark, path)
    finally spark.stop()
  }
}
