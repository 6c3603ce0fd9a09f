package org.sparkgrad.spark.ui;

import org.apache.spark.ui.SparkUI;
import org.apache.spark.ui.SparkUITab;
import org.apache.spark.util.kvstore.KVStore;

/**
 * The Spark UI's "Sparkgrad" tab ({@code /sparkgrad/}): the fits of the application, running and
 * ended, from the rows {@link SparkgradUiListener} keeps in the UI's status store.
 *
 * <p>Spark has no public API for UI tabs. This extends {@code org.apache.spark.ui.SparkUITab} and
 * {@code WebUIPage}, which are {@code private[spark]} in Scala but public in bytecode, so Java
 * calls them as any class: the same classes Spark's own SQL, Streaming and Connect tabs and
 * third-party tabs (Apache Kyuubi's engine tab, for one) extend, stable in shape since Spark 1.x
 * apart from Spark 4's move from {@code javax.servlet} to {@code jakarta.servlet}. A Spark upgrade
 * that changed them would fail here at run time ({@code NoSuchMethodError}), which {@link
 * SparkgradUi} catches so that a fit never fails for its tab.
 */
final class SparkgradTab extends SparkUITab {
  /** The tab's URL path under the UI's root, and its name ("Sparkgrad"). */
  static final String PREFIX = "sparkgrad";

  /**
   * A tab of {@code ui} showing the fits in {@code store}; {@code live}: a running application's UI
   * (its page reloads while a fit runs), not the history server's.
   */
  SparkgradTab(SparkUI ui, KVStore store, boolean live) {
    super(ui, PREFIX);
    attachPage(new SparkgradPage(this, store, live));
  }
}
