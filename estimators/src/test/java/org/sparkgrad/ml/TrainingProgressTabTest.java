package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.sparkgrad.ml.support.Data;
import org.sparkgrad.ml.support.JobDescriptions;
import org.sparkgrad.ml.support.TestSpark;
import org.sparkgrad.spark.ui.SparkgradFitProgress;
import org.sparkgrad.spark.ui.SparkgradUi;
import org.sparkgrad.spark.ui.SparkgradUiListener;

/**
 * Per-step progress in the Spark UI with the default step channel, which runs one Spark job per
 * epoch: the fit's progress events on the listener bus, and the Sparkgrad tab's page over HTTP.
 */
class TrainingProgressTabTest {
  private static final String INTERVAL = "spark.sparkgrad.ui.progressIntervalMs";

  /** 200 rows in batches of 20: 10 steps an epoch, 2 epochs. */
  private static NeuralNetClassifier classifier() {
    return new NeuralNetClassifier()
        .setHiddenLayers(new int[] {8})
        .setOptimizer("sgd")
        .setLearningRate(0.5)
        .setBatchSize(20)
        .setMaxEpochs(2)
        .setSeed(5);
  }

  /** The progress events of the fits that {@code work} runs, in order. */
  private static List<SparkgradFitProgress> eventsDuring(Runnable work) throws Exception {
    SparkContext sc = TestSpark.session().sparkContext();
    ConcurrentLinkedQueue<SparkgradFitProgress> events = new ConcurrentLinkedQueue<>();
    SparkListener spy =
        new SparkListener() {
          @Override
          public void onOtherEvent(SparkListenerEvent event) {
            if (event instanceof SparkgradFitProgress p) {
              events.add(p);
            }
          }
        };
    sc.addSparkListener(spy);
    try {
      work.run();
      sc.listenerBus().waitUntilEmpty();
    } finally {
      sc.removeSparkListener(spy);
    }
    return List.copyOf(events);
  }

  private static String tabPage() throws Exception {
    SparkContext sc = TestSpark.session().sparkContext();
    String ui = sc.uiWebUrl().get();
    HttpResponse<String> page =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(ui + "/sparkgrad/")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).as("GET %s/sparkgrad/", ui).isEqualTo(200);
    return page.body();
  }

  @Test
  void aChannelFitPostsEveryStepAndTheTabShowsWhereItEnded() throws Exception {
    Dataset<Row> df = Data.blobsFrame(200, 31).coalesce(2);
    NeuralNetClassifier nn = classifier();
    NeuralNetClassifier notRun = classifier();
    SparkSession spark = TestSpark.session();
    NeuralNetClassificationModel[] model = new NeuralNetClassificationModel[1];
    spark.conf().set(INTERVAL, "0");
    List<List<SparkgradFitProgress>> events = new java.util.ArrayList<>();
    List<String> jobs;
    try {
      jobs =
          JobDescriptions.during(
              () -> {
                try {
                  events.add(eventsDuring(() -> model[0] = nn.fit(df)));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
    } finally {
      spark.conf().unset(INTERVAL);
    }
    // The steps went through the step channel: one job per epoch, whose description is fixed.
    assertThat(jobs)
        .filteredOn(d -> d.startsWith("sparkgrad fit: epoch"))
        .containsExactly(
            "sparkgrad fit: epoch 1/2, steps 1-10/10 through the step channel",
            "sparkgrad fit: epoch 2/2, steps 1-10/10 through the step channel");
    assertThat(events).hasSize(1);
    checkEveryStep(events.get(0), nn, model[0], notRun);
  }

  private static void checkEveryStep(
      List<SparkgradFitProgress> events,
      NeuralNetClassifier nn,
      NeuralNetClassificationModel model,
      NeuralNetClassifier notRun)
      throws Exception {
    // The start, each of the 2 x 10 steps in order, and the end.
    assertThat(events).hasSize(22);
    assertThat(events).extracting(SparkgradFitProgress::uid).containsOnly(nn.uid());
    assertThat(events.subList(1, 21))
        .extracting(e -> e.epoch() + "/" + e.epochs() + " " + e.step() + "/" + e.steps())
        .containsExactly(
            "1/2 1/10",
            "1/2 2/10",
            "1/2 3/10",
            "1/2 4/10",
            "1/2 5/10",
            "1/2 6/10",
            "1/2 7/10",
            "1/2 8/10",
            "1/2 9/10",
            "1/2 10/10",
            "2/2 1/10",
            "2/2 2/10",
            "2/2 3/10",
            "2/2 4/10",
            "2/2 5/10",
            "2/2 6/10",
            "2/2 7/10",
            "2/2 8/10",
            "2/2 9/10",
            "2/2 10/10");
    SparkgradFitProgress last = events.get(21);
    assertThat(last.state()).isEqualTo(SparkgradFitProgress.FINISHED);
    assertThat(last.rows()).isEqualTo(400);
    // The tab's epoch loss is the summary's: the mean over the epoch's steps.
    double[] trainLoss = model.summary().trainLoss();
    assertThat(last.epochLoss()).isCloseTo(trainLoss[1], org.assertj.core.data.Offset.offset(1e-9));

    String page = tabPage();
    assertThat(page)
        .contains("<td>" + nn.uid() + "</td><td>finished</td><td>2/2</td><td>10/10</td><td>")
        .contains(String.format(java.util.Locale.ROOT, "<td>%.4g</td>", last.epochLoss()))
        .contains(String.format(java.util.Locale.ROOT, "<td>%.4g</td>", last.loss()))
        .doesNotContain(notRun.uid());
  }

  @Test
  void aFitAtTheDefaultIntervalPostsFarFewerEventsThanSteps() throws Exception {
    Dataset<Row> df = Data.blobsFrame(200, 32).coalesce(2);
    long start = System.nanoTime();
    List<SparkgradFitProgress> events = eventsDuring(() -> classifier().fit(df));
    double seconds = (System.nanoTime() - start) / 1e9;
    List<SparkgradFitProgress> steps =
        events.stream().filter(e -> e.step() > 0 && e.state().equals("running")).toList();
    // At most one event a second, besides the two epoch ends.
    assertThat(steps.size()).isLessThanOrEqualTo(2 + (int) Math.ceil(seconds));
    assertThat(steps).extracting(SparkgradFitProgress::step).contains(10);
    assertThat(steps.get(steps.size() - 1).epoch()).isEqualTo(2);
  }

  @Test
  void theTabAndItsListenerAreAttachedOncePerContext() throws Exception {
    // A fit attaches; so does the next fit, here its call alone.
    classifier().setMaxEpochs(1).fit(Data.blobsFrame(40, 33));
    SparkContext sc = TestSpark.session().sparkContext();
    SparkgradUi.attach(sc);
    assertThat(sc.listenerBus().listeners())
        .filteredOn(l -> l instanceof SparkgradUiListener)
        .hasSize(1);
    assertThat(scala.jdk.javaapi.CollectionConverters.asJava(sc.ui().get().getTabs()))
        .filteredOn(t -> t.prefix().equals("sparkgrad"))
        .hasSize(1);
  }
}
