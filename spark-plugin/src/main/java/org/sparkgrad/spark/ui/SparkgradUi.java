package org.sparkgrad.spark.ui;

import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.ui.SparkUI;
import org.apache.spark.util.kvstore.KVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * Where a fit's progress meets Spark: the Sparkgrad tab and its listener, attached once per {@code
 * SparkContext} (by the plugin's driver part when the application starts, else by the first fit),
 * and the reporters that post a fit's {@link SparkgradFitProgress} events to the listener bus.
 *
 * <p>It relies on three {@code private[spark]} members, public in bytecode: {@code
 * SparkContext.ui()} (the UI, empty when {@code spark.ui.enabled=false}, where no tab is attached),
 * {@code SparkContext.statusStore()} (the store the UI reads, where the tab's rows live, as Spark
 * SQL's do) and {@code SparkContext.listenerBus()} (Spark offers no public way to post an event;
 * Spark SQL posts its own events the same way). Should a later Spark change them, attaching logs a
 * warning and the fit goes on without the tab.
 */
public final class SparkgradUi {
  private static final Logger LOG = LoggerFactory.getLogger(SparkgradUi.class);
  private static final Set<SparkContext> ATTACHED =
      Collections.newSetFromMap(Collections.synchronizedMap(new WeakHashMap<>()));

  private SparkgradUi() {}

  /**
   * Attaches the Sparkgrad tab and its listener to {@code sc}'s UI, once per context; does nothing
   * without a UI.
   */
  public static void attach(SparkContext sc) {
    if (!ATTACHED.add(sc)) {
      return;
    }
    try {
      Option<SparkUI> ui = sc.ui();
      if (ui.isEmpty()) {
        return;
      }
      KVStore store = sc.statusStore().store();
      sc.addSparkListener(new SparkgradUiListener(store));
      ui.get().attachTab(new SparkgradTab(ui.get(), store, true));
    } catch (RuntimeException | LinkageError e) {
      LOG.warn(
          "sparkgrad: the Spark UI's Sparkgrad tab could not be attached; fits still run and post"
              + " their progress events",
          e);
    }
  }

  /**
   * A reporter of one fit in {@code sc} that posts to its listener bus at most about once per
   * {@code intervalMs} milliseconds; it attaches the tab first ({@link #attach}).
   *
   * @param estimator the estimator's class name, as the tab shows it
   * @param uid the estimator's uid
   */
  public static FitProgressReporter reporter(
      SparkContext sc, String estimator, String uid, long intervalMs) {
    attach(sc);
    return new FitProgressReporter(
        event -> post(sc, event),
        estimator,
        uid,
        intervalMs,
        System::nanoTime,
        System::currentTimeMillis);
  }

  private static void post(SparkContext sc, SparkgradFitProgress event) {
    if (!sc.isStopped()) {
      sc.listenerBus().post(event);
    }
  }
}
