package org.sparkgrad.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;
import scala.tools.nsc.GenericRunnerSettings;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.shell.ILoop;
import scala.tools.nsc.interpreter.shell.ShellConfig$;

/**
 * What {@code spark-shell} runs, re-created from Spark's {@code org.apache.spark.repl.Main} and
 * {@code SparkILoop} (they live in {@code spark-repl}, which is not a dependency here): the Scala
 * 2.13 interpreter loop ({@code ILoop}) with the settings spark-shell gives it, and a {@code
 * SparkSession} named {@code spark} created before the first line is read.
 *
 * <p>As in spark-shell, the interpreter wraps each line in a class ({@code -Yrepl-class-based}) so
 * that closures which use earlier lines serialise, and writes the compiled classes to a folder
 * ({@code -Yrepl-outdir}) that the session names in {@code spark.repl.class.outputDir}: the
 * SparkContext then serves that folder and executors load the classes of the session's lines from
 * it. The compiler sees the JVM's class path ({@code -usejavacp}, what spark-shell's {@code
 * -Dscala.usejavacp=true} does). Spark's settings come from system properties ({@code
 * -Dspark.master=local[2]}), as {@code spark-submit} passes them.
 *
 * <p>The lines come from standard input and the session's output goes to standard output; the loop
 * ends at {@code :quit} or at the end of the input, and the session is stopped. Arguments are
 * further interpreter settings.
 */
public final class SparkShellMain {
  private static Path outputDir;
  private static SparkSession session;

  private SparkShellMain() {}

  /** Runs the shell; exits with status 1 if the interpreter settings are wrong. */
  public static void main(String[] args) throws IOException {
    outputDir = Files.createTempDirectory("repl");
    List<String> errors = new ArrayList<>();
    GenericRunnerSettings settings =
        new GenericRunnerSettings(
            message -> {
              errors.add(message);
              return BoxedUnit.UNIT;
            });
    List<String> arguments =
        new ArrayList<>(
            List.of("-Yrepl-class-based", "-Yrepl-outdir", outputDir.toString(), "-usejavacp"));
    arguments.addAll(Arrays.asList(args));
    settings.processArguments(CollectionConverters.asScala(arguments).toList(), true);
    if (!errors.isEmpty()) {
      System.err.println("bad interpreter settings: " + String.join("; ", errors));
      System.exit(1);
    }
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    new Loop(settings, in, out).run(settings);
    synchronized (SparkShellMain.class) {
      if (session != null) {
        session.stop();
      }
    }
  }

  /**
   * The session the shell's first line binds to {@code spark}: {@code SparkSession.builder()} with
   * the system properties' settings, the application name {@code Spark shell} unless one is set,
   * and the interpreter's class folder for the executors.
   */
  public static synchronized SparkSession createSparkSession() {
    if (session == null) {
      SparkConf conf = new SparkConf();
      conf.setIfMissing("spark.app.name", "Spark shell");
      conf.set("spark.repl.class.outputDir", outputDir.toAbsolutePath().toString());
      session = SparkSession.builder().config(conf).getOrCreate();
    }
    return session;
  }

  /** {@code ILoop} with spark-shell's start-up lines and welcome. */
  private static final class Loop extends ILoop {
    private static final List<String> STARTUP =
        List.of(
            """
            @transient val spark = org.sparkgrad.it.support.SparkShellMain.createSparkSession()
            @transient val sc = {
              val _sc = spark.sparkContext
              println(s"Spark context available as 'sc' (master = ${_sc.master}, app id = ${_sc.applicationId}).")
              println("Spark session available as 'spark'.")
              _sc
            }
            """,
            "import org.apache.spark.SparkContext._",
            "import spark.implicits._",
            "import spark.sql",
            "import org.apache.spark.sql.functions._");

    Loop(Settings settings, BufferedReader in, PrintWriter out) {
      super(ShellConfig$.MODULE$.apply(settings), in, out);
    }

    @Override
    public scala.collection.immutable.Seq<String> internalReplAutorunCode() {
      return CollectionConverters.asScala(STARTUP).toList();
    }

    @Override
    public void printWelcome() {
      echo(
          "Welcome to the Sparkgrad test shell: Spark "
              + org.apache.spark.package$.MODULE$.SPARK_VERSION()
              + ", Scala "
              + scala.util.Properties$.MODULE$.versionNumberString()
              + ", Java "
              + System.getProperty("java.version"));
    }
  }
}
