/**
 * Learning-rate schedules, as PyTorch's {@code torch.optim.lr_scheduler}: the epoch-driven {@link
 * org.sparkgrad.optim.lr.StepLR}, {@link org.sparkgrad.optim.lr.CosineAnnealingLR} and {@link
 * org.sparkgrad.optim.lr.LinearLR} (subclasses of {@link org.sparkgrad.optim.lr.LRScheduler}), and
 * the metric-driven {@link org.sparkgrad.optim.lr.ReduceLROnPlateau}.
 */
package org.sparkgrad.optim.lr;
