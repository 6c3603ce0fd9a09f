package org.sparkgrad.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sparkgrad.tensor.Tensor;

/**
 * Saves and loads a state dict (parameter and buffer names to tensors, as {@code
 * Module.stateDict()} returns) as a safetensors file, as {@code safetensors.torch.save_file} and
 * {@code load_file} do. PyTorch reads the files this writes, and this reads the files PyTorch
 * writes, for the F32, F64 and I64 dtypes.
 *
 * <p>Saving is atomic: a failed save leaves no half-written file behind. Loading checks the file
 * completely before trusting it (see {@link SafeTensors}); it never uses Java serialization.
 *
 * <pre>{@code
 * StateDict.save(model.stateDict(), Path.of("model.safetensors"));
 * model.loadStateDict(StateDict.load(Path.of("model.safetensors")));
 * }</pre>
 *
 * <p>The stream variants let other file systems (such as Hadoop's) supply the bytes.
 */
public final class StateDict {
  private StateDict() {}

  /** Saves {@code stateDict} to {@code file}, tensors in iteration order, atomically. */
  public static void save(Map<String, Tensor> stateDict, Path file) throws IOException {
    SafeTensors.write(stateDict, Map.of(), file);
  }

  /**
   * Saves {@code stateDict} to the file named {@code path}, as {@code
   * torch.save(model.state_dict(), path)}; the format is safetensors whatever the name's extension.
   */
  public static void save(Map<String, Tensor> stateDict, String path) throws IOException {
    save(stateDict, Path.of(path));
  }

  /** Saves {@code stateDict} with a {@code __metadata__} map of strings, atomically. */
  public static void save(Map<String, Tensor> stateDict, Map<String, String> metadata, Path file)
      throws IOException {
    SafeTensors.write(stateDict, metadata, file);
  }

  /** Loads the tensors of a safetensors file, in the order of their data. */
  @SuppressWarnings("NonApiType") // the type promises the iteration order, which is the contract
  public static LinkedHashMap<String, Tensor> load(Path file) throws IOException {
    return SafeTensors.read(file).tensors();
  }

  /** Loads the file named {@code path}, as {@code torch.load(path)} of a saved state dict. */
  @SuppressWarnings("NonApiType") // the type promises the iteration order, which is the contract
  public static LinkedHashMap<String, Tensor> load(String path) throws IOException {
    return load(Path.of(path));
  }

  /** The {@code __metadata__} of a safetensors file (empty if none), without reading the data. */
  public static Map<String, String> loadMetadata(Path file) throws IOException {
    return SafeTensors.readMetadata(file);
  }

  /** Writes {@code stateDict} to {@code out}, which is left open. */
  public static void write(Map<String, Tensor> stateDict, OutputStream out) throws IOException {
    SafeTensors.write(stateDict, Map.of(), out);
  }

  /** Writes {@code stateDict} and {@code metadata} to {@code out}, which is left open. */
  public static void write(
      Map<String, Tensor> stateDict, Map<String, String> metadata, OutputStream out)
      throws IOException {
    SafeTensors.write(stateDict, metadata, out);
  }

  /** Reads the tensors of safetensors bytes; {@code sourceName} names them in error messages. */
  @SuppressWarnings("NonApiType") // the type promises the iteration order, which is the contract
  public static LinkedHashMap<String, Tensor> read(byte[] bytes, String sourceName) {
    return SafeTensors.read(bytes, sourceName).tensors();
  }

  /** Reads the tensors from {@code in} up to its end, which is left open. */
  @SuppressWarnings("NonApiType") // the type promises the iteration order, which is the contract
  public static LinkedHashMap<String, Tensor> read(InputStream in, String sourceName)
      throws IOException {
    return SafeTensors.read(in, sourceName).tensors();
  }
}
