package org.sparkgrad.ml.support;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Collects the log lines of one logger (Log4j 2, Spark's logging back end) while open: {@code try
 * (LogCapture log = LogCapture.of(Checkpointing.class)) { ...; log.lines(Level.WARN) }}.
 */
public final class LogCapture extends AbstractAppender implements AutoCloseable {
  private final List<String> lines = new ArrayList<>();
  private final LoggerConfig config;
  private final LoggerContext context;

  private LogCapture(LoggerContext context, LoggerConfig config) {
    super("capture-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY);
    this.context = context;
    this.config = config;
  }

  /** Starts collecting what {@code type}'s logger logs at INFO and above. */
  public static LogCapture of(Class<?> type) {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    Configuration conf = ctx.getConfiguration();
    LoggerConfig lc = new LoggerConfig(type.getName(), Level.INFO, true);
    conf.addLogger(type.getName(), lc);
    LogCapture c = new LogCapture(ctx, lc);
    c.start();
    lc.addAppender(c, Level.INFO, null);
    ctx.updateLoggers();
    return c;
  }

  @Override
  public synchronized void append(LogEvent event) {
    lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
  }

  /** The lines logged at {@code level}, as "LEVEL message". */
  public synchronized List<String> lines(Level level) {
    return lines.stream().filter(l -> l.startsWith(level.name() + " ")).toList();
  }

  @Override
  public void close() {
    config.removeAppender(getName());
    context.getConfiguration().removeLogger(config.getName());
    context.updateLoggers();
    stop();
  }
}
