package org.sparkgrad.spark.ui;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.apache.spark.SecurityManager;
import org.apache.spark.SparkConf;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.status.AppHistoryServerPlugin;
import org.apache.spark.status.AppStatusStore;
import org.apache.spark.status.ElementTrackingStore;
import org.apache.spark.ui.SparkUI;
import org.apache.spark.ui.WebUITab;
import org.apache.spark.util.JsonProtocol;
import org.apache.spark.util.kvstore.InMemoryStore;
import org.junit.jupiter.api.Test;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The progress events in Spark's event log and status store, without a SparkContext: the JSON a
 * history server replays, the store rows the tab reads, the tab in a history server's UI, and the
 * page's table.
 */
class SparkgradUiListenerTest {
  private static SparkgradFitProgress event(String fitId, String state, long start, int step) {
    return new SparkgradFitProgress(
        fitId,
        "NeuralNetRegressor",
        "nnr_1",
        state,
        2,
        5,
        step,
        10,
        0.25,
        Double.NaN,
        300,
        start,
        start + 1500,
        "");
  }

  @Test
  void theEventLogRoundTripGivesTheSameEvent() {
    SparkgradFitProgress e = event("nnr_1#3", SparkgradFitProgress.RUNNING, 1000, 7);
    String json = JsonProtocol.sparkEventToJsonString(e);
    assertThat(json).contains("\"Event\":\"org.sparkgrad.spark.ui.SparkgradFitProgress\"");
    assertThat(JsonProtocol.sparkEventFromJson(json)).isEqualTo(e);
  }

  @Test
  void theStoreKeepsTheLastEventOfEachFit() throws Exception {
    ElementTrackingStore store = new ElementTrackingStore(new InMemoryStore(), new SparkConf());
    SparkgradUiListener listener = historyListener(store);
    listener.onOtherEvent(event("a#1", SparkgradFitProgress.RUNNING, 1000, 3));
    listener.onOtherEvent(event("b#2", SparkgradFitProgress.RUNNING, 2000, 1));
    listener.onOtherEvent(event("a#1", SparkgradFitProgress.FINISHED, 1000, 10));
    assertThat(store.count(SparkgradFitProgress.class)).isEqualTo(2);
    assertThat(store.read(SparkgradFitProgress.class, "a#1").state())
        .isEqualTo(SparkgradFitProgress.FINISHED);
    assertThat(store.read(SparkgradFitProgress.class, "a#1").step()).isEqualTo(10);
  }

  @Test
  void theStoreDropsTheOldestEndedFitsBeyondItsLimit() throws Exception {
    InMemoryStore store = new InMemoryStore();
    SparkgradUiListener listener = new SparkgradUiListener(store);
    listener.onOtherEvent(event("running#0", SparkgradFitProgress.RUNNING, 0, 1));
    for (int i = 1; i <= SparkgradUiListener.RETAINED_FITS; i++) {
      listener.onOtherEvent(event("ended#" + i, SparkgradFitProgress.FINISHED, i, 10));
    }
    assertThat(store.count(SparkgradFitProgress.class))
        .isEqualTo(SparkgradUiListener.RETAINED_FITS);
    // The oldest fit is still running, so the oldest ended one went.
    List<String> ids = new ArrayList<>();
    store
        .view(SparkgradFitProgress.class)
        .index("startTime")
        .max(2)
        .forEach(p -> ids.add(p.fitId()));
    assertThat(ids).containsExactly("running#0", "ended#2");
  }

  @Test
  void thePageEscapesWhatItShowsAndSaysWhenNoFitRan() {
    assertThat(SparkgradPage.table(List.of(), true))
        .contains("No Sparkgrad fit has run in this application yet.");
    SparkgradFitProgress failed =
        new SparkgradFitProgress(
            "x#1", "E", "u<1>", "failed", 1, 2, 3, 4, 1.5, 1.25, 12, 0, 4000, "Boom: a < b");
    String html = SparkgradPage.table(List.of(failed), true);
    assertThat(html)
        .contains("<td>u&lt;1&gt;</td>")
        .contains("<td>failed: Boom: a &lt; b</td>")
        .contains("<td>1/2</td><td>3/4</td><td>1.500</td><td>1.250</td><td>3</td>");
  }

  @Test
  void aLiveApplicationsPageReloadsItselfOnlyWhileAFitRuns() {
    SparkgradFitProgress running =
        new SparkgradFitProgress(
            "r#1", "E", "u", SparkgradFitProgress.RUNNING, 1, 2, 3, 4, 1.5, 1.25, 12, 0, 4000, "");
    SparkgradFitProgress failed =
        new SparkgradFitProgress("x#1", "E", "u", "failed", 1, 2, 3, 4, 1.5, 1.25, 12, 0, 4000, "");
    String reload = "window.location.reload(); }, 2000);";
    String live = SparkgradPage.table(List.of(running, failed), true);
    assertThat(live).contains(reload).contains("reloads itself while a fit runs");
    // The page's body goes through scala.xml, as render does.
    assertThat(scala.xml.XML.loadString(live).text()).contains("reloads itself");
    assertThat(SparkgradPage.table(List.of(running, failed), false)).doesNotContain(reload);
    assertThat(SparkgradPage.table(List.of(failed), true)).doesNotContain(reload);
  }

  @Test
  void theHistoryServerShowsTheTabOnlyForAnApplicationWithFits() throws Exception {
    SparkConf conf = new SparkConf(false);
    ElementTrackingStore withFits = new ElementTrackingStore(new InMemoryStore(), conf);
    historyListener(withFits).onOtherEvent(event("h#1", SparkgradFitProgress.FINISHED, 1000, 10));
    SparkUI ui = historyUi(withFits, conf);
    new SparkgradHistoryServerPlugin().setupUI(ui);
    List<WebUITab> tabs =
        CollectionConverters.asJava(ui.getTabs()).stream()
            .filter(t -> t.prefix().equals(SparkgradTab.PREFIX))
            .toList();
    assertThat(tabs).hasSize(1);
    HttpServletRequest request =
        (HttpServletRequest)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) -> null);
    String page = tabs.get(0).pages().head().render(request).toString();
    assertThat(page).contains("<td>nnr_1</td><td>finished</td><td>2/5</td><td>10/10</td>");

    SparkUI without = historyUi(new ElementTrackingStore(new InMemoryStore(), conf), conf);
    new SparkgradHistoryServerPlugin().setupUI(without);
    assertThat(CollectionConverters.asJava(without.getTabs()))
        .noneMatch(t -> t.prefix().equals(SparkgradTab.PREFIX));
  }

  /** A UI over {@code store} as the history server builds one: no SparkContext. */
  private static SparkUI historyUi(ElementTrackingStore store, SparkConf conf) {
    return SparkUI.create(
        Option.empty(),
        new AppStatusStore(store, Option.empty(), Option.empty()),
        conf,
        new SecurityManager(
            conf,
            SecurityManager.$lessinit$greater$default$2(),
            SecurityManager.$lessinit$greater$default$3()),
        "app",
        "/history/app-1",
        0L,
        SparkUI.create$default$8());
  }

  /** The listener the history server gets, found as Spark finds it: by its service file. */
  private static SparkgradUiListener historyListener(ElementTrackingStore store) {
    for (AppHistoryServerPlugin p : ServiceLoader.load(AppHistoryServerPlugin.class)) {
      if (p instanceof SparkgradHistoryServerPlugin) {
        List<SparkListener> listeners =
            CollectionConverters.asJava(p.createListeners(new SparkConf(), store));
        assertThat(listeners).hasSize(1);
        return (SparkgradUiListener) listeners.get(0);
      }
    }
    throw new AssertionError("no SparkgradHistoryServerPlugin in META-INF/services");
  }
}
