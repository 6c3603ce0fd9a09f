package org.sparkgrad.spark.ui;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ui.UIUtils;
import org.apache.spark.ui.WebUIPage;
import org.apache.spark.util.kvstore.KVStore;
import scala.collection.immutable.Seq;
import scala.xml.Node;
import scala.xml.Utility;
import scala.xml.XML;

/**
 * The Sparkgrad tab's page: one table row per fit, newest first, with its estimator and uid, state,
 * epoch e/E, step s/S, the last step's loss, the epoch's mean loss so far, training rows per
 * second, elapsed time and start. Built as an XHTML string (every value escaped) and parsed into
 * the {@code scala.xml} nodes Spark's page frame ({@code UIUtils.headerSparkPage}) takes.
 */
final class SparkgradPage extends WebUIPage {
  private static final String[] HEADERS = {
    "Estimator",
    "Uid",
    "State",
    "Epoch",
    "Step",
    "Last step loss",
    "Epoch loss",
    "Rows/s",
    "Elapsed",
    "Started"
  };

  /** How often a live application's page reloads itself while a fit runs. */
  static final int RELOAD_MS = 2000;

  private final SparkgradTab tab;
  private final KVStore store;
  private final boolean live;

  /**
   * The page of {@code tab}; {@code live}: a running application's UI, not the history server's.
   */
  SparkgradPage(SparkgradTab tab, KVStore store, boolean live) {
    super("");
    this.tab = tab;
    this.store = store;
    this.live = live;
  }

  @Override
  public Seq<Node> render(HttpServletRequest request) {
    Node content = XML.loadString(table(fits(), live));
    return UIUtils.headerSparkPage(
        request,
        "Sparkgrad",
        () -> content,
        tab,
        UIUtils.headerSparkPage$default$5(),
        UIUtils.headerSparkPage$default$6(),
        UIUtils.headerSparkPage$default$7(),
        UIUtils.headerSparkPage$default$8());
  }

  /** The fits in the store, newest first. */
  private List<SparkgradFitProgress> fits() {
    List<SparkgradFitProgress> all = new ArrayList<>();
    try {
      for (SparkgradFitProgress p :
          store.view(SparkgradFitProgress.class).index("startTime").reverse()) {
        all.add(p);
      }
    } catch (Exception e) { // KVStore's iterator declares Exception
      throw new IllegalStateException("cannot read the fits from the status store", e);
    }
    return all;
  }

  /**
   * The page's body: a note, and the table when there are fits. On a live application's page with a
   * fit running, a script reloads the page every {@link #RELOAD_MS} ms (the history server's page
   * never reloads: a fit it shows as running was cut off with its application).
   */
  static String table(List<SparkgradFitProgress> fits, boolean live) {
    StringBuilder html = new StringBuilder("<div>");
    if (fits.isEmpty()) {
      return html.append("<p>No Sparkgrad fit has run in this application yet.</p></div>")
          .toString();
    }
    boolean reload =
        live && fits.stream().anyMatch(p -> SparkgradFitProgress.RUNNING.equals(p.state()));
    html.append("<p>Training progress of each fit, updated about once a second")
        .append(" (spark.sparkgrad.ui.progressIntervalMs) and at the end of each epoch;")
        .append(reload ? " this page reloads itself while a fit runs.</p>" : "</p>")
        .append("<table class=\"table table-bordered table-sm table-striped sortable\"")
        .append(" id=\"sparkgrad-fits\"><thead><tr>");
    for (String h : HEADERS) {
      html.append("<th>").append(h).append("</th>");
    }
    html.append("</tr></thead><tbody>");
    for (SparkgradFitProgress p : fits) {
      html.append("<tr>");
      cell(html, p.estimator());
      cell(html, p.uid());
      cell(html, p.error().isEmpty() ? p.state() : p.state() + ": " + p.error());
      cell(html, p.epoch() == 0 ? "-" : p.epoch() + "/" + p.epochs());
      cell(html, p.step() == 0 ? "-" : p.step() + "/" + p.steps());
      cell(html, loss(p.loss()));
      cell(html, loss(p.epochLoss()));
      cell(html, String.format(Locale.ROOT, "%.0f", p.rowsPerSecond()));
      cell(html, UIUtils.formatDuration(p.elapsedMs()));
      cell(html, UIUtils.formatDate(p.startTime()));
      html.append("</tr>");
    }
    html.append("</tbody></table>");
    if (reload) {
      html.append("<script>setTimeout(function () { window.location.reload(); }, ")
          .append(RELOAD_MS)
          .append(");</script>");
    }
    return html.append("</div>").toString();
  }

  private static void cell(StringBuilder html, String text) {
    html.append("<td>").append(Utility.escape(text)).append("</td>");
  }

  /** A loss with four significant digits, as the step jobs' descriptions show it. */
  static String loss(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.4g", value);
  }
}
