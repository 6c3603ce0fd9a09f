package org.sparkgrad.ml.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkgrad.util.StrictJson;

/**
 * The checkpoints of one folder, through the Hadoop {@link FileSystem} of its path (local, HDFS,
 * S3, ...). A checkpoint is a sub-folder {@code ckpt-<globalStep>} (the step zero-padded to 12
 * digits, so names sort by step) of named files plus {@code manifest.json}, which lists each file's
 * size and SHA-256. It is written under a hidden temporary name ({@code _tmp-ckpt-...}), the
 * manifest last, and then renamed, so a folder with the final name is complete; the manifest makes
 * later damage (a truncated, changed or missing file) detectable. The store knows nothing of what
 * the files mean ({@link CheckpointCodec} does).
 */
public final class CheckpointStore {
  /** The manifest's name inside a checkpoint folder. */
  public static final String MANIFEST = "manifest.json";

  private static final Pattern NAME = Pattern.compile("ckpt-(\\d{1,18})");
  private static final String TMP_PREFIX = "_tmp-ckpt-";

  /** A checkpoint folder and the global step in its name. */
  public record Entry(long globalStep, Path path) {}

  /** A checkpoint's {@code manifest.json}: its format, its step, and each file's size and hash. */
  record Manifest(int formatVersion, long globalStep, Map<String, ManifestEntry> files) {}

  /** One file of a {@link Manifest}: its size in bytes and its SHA-256 in hex. */
  record ManifestEntry(Long bytes, String sha256) {}

  private final Path dir;
  private final FileSystem fs;

  /** The store in {@code dir} (created on the first write). */
  public CheckpointStore(Path dir, Configuration conf) {
    FileSystem f = ModelFiles.fs(dir, conf);
    // The local file system's .crc side files double the cost of every write (each file is
    // created and chmod-ed twice) and add nothing: the manifest's SHA-256 covers every file.
    this.fs = f instanceof LocalFileSystem local ? local.getRawFileSystem() : f;
    this.dir = fs.makeQualified(dir);
  }

  /** The folder, fully qualified ({@code file:/...}, {@code hdfs://host/...}). */
  public Path dir() {
    return dir;
  }

  /** The folder name of the checkpoint after {@code globalStep} steps. */
  public static String name(long globalStep) {
    return String.format(java.util.Locale.ROOT, "ckpt-%012d", globalStep);
  }

  /** The checkpoints in the folder, newest (largest global step) first; empty if none. */
  public List<Entry> list() throws IOException {
    List<Entry> out = new ArrayList<>();
    for (FileStatus st : statuses()) {
      Matcher m = NAME.matcher(st.getPath().getName());
      if (st.isDirectory() && m.matches()) {
        out.add(new Entry(Long.parseLong(m.group(1)), st.getPath()));
      }
    }
    out.sort(Comparator.comparingLong(Entry::globalStep).reversed());
    return out;
  }

  /**
   * Writes {@code files} as the checkpoint after {@code globalStep} steps, atomically: into a
   * temporary folder, manifest last, then renamed to its final name (replacing a checkpoint of the
   * same step). If writing fails, the temporary folder is removed.
   *
   * @return the checkpoint's folder
   */
  public Path write(long globalStep, Map<String, byte[]> files) throws IOException {
    Path tmp = new Path(dir, TMP_PREFIX + globalStep + "-" + UUID.randomUUID());
    Path target = new Path(dir, name(globalStep));
    try {
      fs.mkdirs(tmp);
      Map<String, ManifestEntry> listing = new LinkedHashMap<>();
      for (Map.Entry<String, byte[]> e : files.entrySet()) {
        if (e.getKey().equals(MANIFEST) || e.getKey().contains("/")) {
          throw new IllegalArgumentException("bad checkpoint file name '" + e.getKey() + "'");
        }
        try (OutputStream out = fs.create(new Path(tmp, e.getKey()), false)) {
          out.write(e.getValue());
        }
        listing.put(
            e.getKey(), new ManifestEntry((long) e.getValue().length, sha256(e.getValue())));
      }
      Manifest manifest = new Manifest(CheckpointCodec.FORMAT_VERSION, globalStep, listing);
      try (OutputStream out = fs.create(new Path(tmp, MANIFEST), false)) {
        out.write(StrictJson.write(manifest).getBytes(StandardCharsets.UTF_8));
      }
      if (fs.exists(target)) {
        fs.delete(target, true);
      }
      if (!fs.rename(tmp, target)) {
        throw new IOException("could not rename " + tmp + " to " + target);
      }
      return target;
    } catch (IOException | RuntimeException e) {
      try {
        fs.delete(tmp, true);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /**
   * The files of checkpoint {@code ckpt}, each checked against the manifest.
   *
   * @throws DamagedCheckpointException naming the file and what is wrong with it, if the manifest
   *     or a file is missing, unreadable, of the wrong size or has another SHA-256
   */
  public Map<String, byte[]> read(Path ckpt) throws DamagedCheckpointException {
    Manifest manifest;
    try {
      manifest = StrictJson.read(readAll(new Path(ckpt, MANIFEST)), Manifest.class, MANIFEST);
    } catch (FileNotFoundException e) {
      throw new DamagedCheckpointException(MANIFEST + " is missing");
    } catch (IOException | IllegalArgumentException e) {
      throw new DamagedCheckpointException(MANIFEST + " is unreadable: " + e.getMessage());
    }
    if (manifest.files() == null) {
      throw new DamagedCheckpointException(MANIFEST + " has no \"files\"");
    }
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, ManifestEntry> e : manifest.files().entrySet()) {
      String file = e.getKey();
      ManifestEntry info = e.getValue();
      if (info == null) {
        throw new DamagedCheckpointException(MANIFEST + " entry " + file + " is null");
      }
      byte[] bytes;
      try {
        bytes = readAll(new Path(ckpt, file));
      } catch (FileNotFoundException missing) {
        throw new DamagedCheckpointException(file + " is missing");
      } catch (IOException io) {
        throw new DamagedCheckpointException(file + " is unreadable: " + io.getMessage());
      }
      Long size = info.bytes();
      if (size == null || size != bytes.length) {
        throw new DamagedCheckpointException(
            file + " has " + bytes.length + " bytes, the manifest says " + size + " (truncated?)");
      }
      if (!sha256(bytes).equals(info.sha256())) {
        throw new DamagedCheckpointException(
            file + " does not match its SHA-256 in the manifest (the content changed)");
      }
      out.put(file, bytes);
    }
    return out;
  }

  /**
   * After checkpoint {@code newest} was written: deletes every checkpoint with a larger step (left
   * by an earlier life of the run that resumed from an older one), all but the {@code keep} newest
   * of the others, and temporary folders of interrupted writes.
   *
   * @return the folders deleted
   */
  public List<Path> prune(long newest, int keep) throws IOException {
    List<Path> deleted = new ArrayList<>();
    int kept = 0;
    for (Entry e : list()) {
      if (e.globalStep() > newest || ++kept > keep) {
        fs.delete(e.path(), true);
        deleted.add(e.path());
      }
    }
    for (FileStatus st : statuses()) {
      if (st.getPath().getName().startsWith(TMP_PREFIX)) {
        fs.delete(st.getPath(), true);
        deleted.add(st.getPath());
      }
    }
    return deleted;
  }

  /** Deletes every checkpoint and temporary folder (nothing else in the folder). */
  public void deleteAll() throws IOException {
    prune(-1, 0);
  }

  private List<FileStatus> statuses() throws IOException {
    try {
      return List.of(fs.listStatus(dir));
    } catch (FileNotFoundException e) {
      return List.of();
    }
  }

  private byte[] readAll(Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return in.readAllBytes();
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** A checkpoint that cannot be used; the message says which file and why. */
  public static final class DamagedCheckpointException extends Exception {
    private static final long serialVersionUID = 1L;

    /** A damaged checkpoint; {@code reason} names the file and what is wrong. */
    public DamagedCheckpointException(String reason) {
      super(reason);
    }
  }
}
