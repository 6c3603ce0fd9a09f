package org.sparkgrad.standalone;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Java program run as a child process, with its output in a log file: the cluster daemons and the
 * {@code spark-submit} runs of the cluster tests. {@link #destroy()} ends the whole process tree (a
 * worker's executors too).
 */
public final class ChildJvm {
  private final String name;
  private final Process process;
  private final Path log;

  private ChildJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code java [jvmOptions] -cp classPath mainClass args}.
   *
   * @param name the log file's name (without {@code .log}) under {@code logDir}
   * @param env variables added to this JVM's environment
   */
  public static ChildJvm start(
      String name,
      Path logDir,
      String classPath,
      List<String> jvmOptions,
      Map<String, String> env,
      String mainClass,
      List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classPath);
    command.add(mainClass);
    command.addAll(args);
    Files.createDirectories(logDir);
    Path log = logDir.resolve(name + ".log");
    Files.writeString(log, String.join(" ", command) + System.lineSeparator());
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    return new ChildJvm(name, pb.start(), log);
  }

  /** The process. */
  public Process process() {
    return process;
  }

  /** Whether the process still runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The log file (the command line, then stdout and stderr). */
  public Path log() {
    return log;
  }

  /** The log's text, for assertion messages. */
  public String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /**
   * Waits for the process to end.
   *
   * @return its exit status
   * @throws IllegalStateException if it runs longer than {@code seconds}; it is destroyed first
   */
  public int waitFor(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      destroy();
      throw new IllegalStateException(
          name + " did not finish in " + seconds + " s; its log " + log + ":\n" + tail(40));
    }
    return process.exitValue();
  }

  /** The last {@code lines} lines of the log. */
  public String tail(int lines) {
    List<String> all = logText().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** Ends the process and every descendant (a worker's executors), forcibly after 10 s. */
  public void destroy() {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (ProcessHandle h : tree) {
      try {
        h.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ", log " + log + ")";
  }
}
