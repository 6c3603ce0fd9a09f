package org.sparkgrad.spark.ui;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.util.kvstore.KVStore;
import org.apache.spark.util.kvstore.KVStoreView;

/**
 * Keeps the last {@link SparkgradFitProgress} of each fit in the application's status store, as
 * Spark SQL's {@code SQLAppStatusListener} keeps its executions there: the Sparkgrad tab reads the
 * store, so the same listener feeds the live UI (on the listener bus) and the history server (on
 * the replayed event log). It keeps the last {@value #RETAINED_FITS} fits, dropping the oldest
 * ended ones first.
 */
public final class SparkgradUiListener extends SparkListener {
  /** How many fits the store keeps. */
  static final int RETAINED_FITS = 1000;

  private final KVStore store;

  /** A listener that writes into {@code store}. */
  public SparkgradUiListener(KVStore store) {
    this.store = store;
  }

  @Override
  public void onOtherEvent(SparkListenerEvent event) {
    if (event instanceof SparkgradFitProgress p) {
      try {
        store.write(p);
        if (store.count(SparkgradFitProgress.class) > RETAINED_FITS) {
          dropOldestEnded();
        }
      } catch (Exception e) { // KVStore declares Exception
        throw new IllegalStateException("cannot record the progress of fit " + p.fitId(), e);
      }
    }
  }

  private void dropOldestEnded() throws Exception {
    long excess = store.count(SparkgradFitProgress.class) - RETAINED_FITS;
    List<String> drop = new ArrayList<>();
    KVStoreView<SparkgradFitProgress> oldestFirst =
        store.view(SparkgradFitProgress.class).index("startTime");
    for (SparkgradFitProgress p : oldestFirst) {
      if (drop.size() >= excess) {
        break;
      }
      if (!SparkgradFitProgress.RUNNING.equals(p.state())) {
        drop.add(p.fitId());
      }
    }
    for (String id : drop) {
      store.delete(SparkgradFitProgress.class, id);
    }
  }
}
