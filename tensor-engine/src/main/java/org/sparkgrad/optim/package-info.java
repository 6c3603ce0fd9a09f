/**
 * Optimizers and gradient clipping, as PyTorch's {@code torch.optim} and {@code
 * torch.nn.utils.clip_grad_*}: {@link org.sparkgrad.optim.SGD}, {@link org.sparkgrad.optim.Adam},
 * {@link org.sparkgrad.optim.AdamW} and {@link org.sparkgrad.optim.RMSprop} over {@link
 * org.sparkgrad.optim.ParamGroup}s, with state dicts of named tensors for checkpoints. Each
 * optimizer's Javadoc gives its exact update equations (PyTorch 1.13's). Learning-rate schedules
 * are in {@link org.sparkgrad.optim.lr}.
 */
package org.sparkgrad.optim;
