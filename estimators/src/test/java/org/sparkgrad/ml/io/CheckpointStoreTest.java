package org.sparkgrad.ml.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint folder: atomic writes, manifest checks, ordering and pruning. */
class CheckpointStoreTest {
  @TempDir Path tmp;

  private CheckpointStore store() {
    return new CheckpointStore(new org.apache.hadoop.fs.Path(tmp.toUri()), new Configuration());
  }

  private static Map<String, byte[]> files(String text) {
    return Map.of("a.bin", text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void writesReadBackNewestFirstAndPruneKeepsTheNewest() throws Exception {
    CheckpointStore s = store();
    for (long step : new long[] {5, 10, 15, 20}) {
      s.write(step, files("at " + step));
    }
    assertThat(s.list())
        .extracting(CheckpointStore.Entry::globalStep)
        .containsExactly(20L, 15L, 10L, 5L);
    assertThat(new String(s.read(s.list().get(0).path()).get("a.bin"), StandardCharsets.UTF_8))
        .isEqualTo("at 20");
    // A later life of the run resumed from step 10 and wrote step 12: 15 and 20 are stale.
    s.write(12, files("at 12"));
    Files.createDirectories(tmp.resolve("_tmp-ckpt-13-left-by-a-crash"));
    Files.writeString(tmp.resolve("notes.txt"), "not a checkpoint");
    s.prune(12, 2);
    assertThat(s.list()).extracting(CheckpointStore.Entry::globalStep).containsExactly(12L, 10L);
    try (Stream<Path> names = Files.list(tmp)) {
      assertThat(names.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")))
          .containsExactlyInAnyOrder("ckpt-000000000012", "ckpt-000000000010", "notes.txt");
    }
  }

  @Test
  void aStepWrittenAgainIsReplacedWhole() throws Exception {
    CheckpointStore s = store();
    s.write(7, Map.of("a.bin", new byte[] {1}, "b.bin", new byte[] {2}));
    s.write(7, files("again"));
    assertThat(s.read(s.list().get(0).path())).containsOnlyKeys("a.bin");
  }

  @Test
  void aMissingManifestIsDamage() throws Exception {
    CheckpointStore s = store();
    org.apache.hadoop.fs.Path p = s.write(3, files("x"));
    Files.delete(tmp.resolve(p.getName()).resolve(CheckpointStore.MANIFEST));
    assertThatThrownBy(() -> s.read(p))
        .isInstanceOf(CheckpointStore.DamagedCheckpointException.class)
        .hasMessage("manifest.json is missing");
  }

  @Test
  void anEmptyOrMissingFolderHasNoCheckpoints() throws IOException {
    assertThat(store().list()).isEmpty();
    assertThat(
            new CheckpointStore(
                    new org.apache.hadoop.fs.Path(tmp.resolve("absent").toUri()),
                    new Configuration())
                .list())
        .isEmpty();
  }
}
