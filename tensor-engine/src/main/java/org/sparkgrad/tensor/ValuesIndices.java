package org.sparkgrad.tensor;

/**
 * The result of a reduction that returns where its values came from, as PyTorch's {@code
 * torch.return_types.max}: {@code x.max(1).values()} and {@code x.max(1).indices()}.
 *
 * @param values the reduced values, differentiable
 * @param indices their int64 positions along the reduced dimension
 */
public record ValuesIndices(Tensor values, Tensor indices) {}
