/**
 * Helpers over modules' tensors, as PyTorch's {@code torch.nn.utils}: {@link
 * org.sparkgrad.nn.utils.ParameterVectors} moves parameters and gradients to and from one flat
 * vector, so that code outside the engine (a data-parallel trainer) never touches tensor storage.
 */
package org.sparkgrad.nn.utils;
