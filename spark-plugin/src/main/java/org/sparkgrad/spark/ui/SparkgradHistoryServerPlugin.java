package org.sparkgrad.spark.ui;

import org.apache.spark.SparkConf;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.status.AppHistoryServerPlugin;
import org.apache.spark.status.ElementTrackingStore;
import org.apache.spark.ui.SparkUI;
import org.apache.spark.util.kvstore.KVStore;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Shows the Sparkgrad tab in Spark's history server for applications whose event log holds {@link
 * SparkgradFitProgress} events: the history server finds this class through {@code
 * META-INF/services/org.apache.spark.status.AppHistoryServerPlugin} when the Sparkgrad jar is on
 * its class path ({@code SPARK_DAEMON_CLASSPATH}), replays the log through {@link
 * SparkgradUiListener}, and the tab reads the rows it stored, as Spark SQL's {@code
 * SQLHistoryServerPlugin} does for the SQL tab. {@code AppHistoryServerPlugin} is {@code
 * private[spark]}, public in bytecode.
 */
public final class SparkgradHistoryServerPlugin implements AppHistoryServerPlugin {
  @Override
  public Seq<SparkListener> createListeners(SparkConf conf, ElementTrackingStore store) {
    return CollectionConverters.asScala(
            java.util.List.<SparkListener>of(new SparkgradUiListener(store)))
        .toList();
  }

  @Override
  public void setupUI(SparkUI ui) {
    KVStore store = ui.store().store();
    try {
      if (store.count(SparkgradFitProgress.class) > 0) {
        ui.attachTab(new SparkgradTab(ui, store, false));
      }
    } catch (Exception e) { // KVStore declares Exception
      throw new IllegalStateException("cannot read the Sparkgrad fits of " + ui.appName(), e);
    }
  }
}
