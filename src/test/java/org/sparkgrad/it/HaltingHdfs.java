package org.sparkgrad.it;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.util.Progressable;

/**
 * HDFS that kills its JVM in the middle of writing a checkpoint, as a driver killed at that moment:
 * when the first file of the {@code n}-th checkpoint that the JVM writes (a file in its {@code
 * _tmp-ckpt-} folder) is created, it writes a few of the bytes, flushes them to the datanodes
 * ({@code hflush}), and halts the JVM with {@link #HALTED} (no shutdown hooks). Set as {@code
 * spark.hadoop.fs.hdfs.impl} in the driver of {@link HdfsCheckpointKillTest}, with {@code n} from
 * the system property {@code sparkgrad.halt.checkpoint}.
 */
public class HaltingHdfs extends DistributedFileSystem {
  /** The exit status of a halted driver. */
  public static final int HALTED = 7;

  private static final Set<String> CHECKPOINTS = new LinkedHashSet<>();

  @Override
  public FSDataOutputStream create(
      Path f,
      FsPermission permission,
      boolean overwrite,
      int bufferSize,
      short replication,
      long blockSize,
      Progressable progress)
      throws IOException {
    FSDataOutputStream out =
        super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
    String folder = f.getParent() == null ? "" : f.getParent().getName();
    if (folder.startsWith("_tmp-ckpt-")) {
      int n = Integer.getInteger("sparkgrad.halt.checkpoint", 0);
      synchronized (CHECKPOINTS) {
        if (CHECKPOINTS.add(folder) && CHECKPOINTS.size() == n) {
          out.write(new byte[] {'h', 'a', 'l', 'f'});
          out.hflush();
          System.err.println("halting while writing " + f);
          System.err.flush();
          Runtime.getRuntime().halt(HALTED);
        }
      }
    }
    return out;
  }
}
