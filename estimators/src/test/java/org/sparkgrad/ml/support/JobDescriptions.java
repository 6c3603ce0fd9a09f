package org.sparkgrad.ml.support;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;

/** The descriptions of the Spark jobs that start while a piece of code runs (Spark UI's names). */
public final class JobDescriptions {
  private JobDescriptions() {}

  /** The descriptions of the jobs {@code work} starts in the shared session, in start order. */
  public static List<String> during(Runnable work) throws TimeoutException {
    SparkContext sc = TestSpark.session().sparkContext();
    ConcurrentLinkedQueue<String> descriptions = new ConcurrentLinkedQueue<>();
    SparkListener spy =
        new SparkListener() {
          @Override
          public void onJobStart(SparkListenerJobStart start) {
            String d = start.properties().getProperty("spark.job.description");
            if (d != null) {
              descriptions.add(d);
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
    return List.copyOf(descriptions);
  }
}
