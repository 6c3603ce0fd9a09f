/**
 * What a module needs to compute across the replicas of one data-parallel step, as PyTorch's {@code
 * torch.distributed} collectives do inside {@code nn.SyncBatchNorm}: a {@link
 * org.sparkgrad.nn.parallel.ReplicaReducer} that sums arrays over the replicas (the transport is
 * the caller's: a Spark trainer, or threads in a test), made current on a thread by {@link
 * org.sparkgrad.nn.parallel.ReplicaSync}, whose {@link
 * org.sparkgrad.nn.parallel.ReplicaSync#allReduce} is the differentiable all-reduce that batch
 * normalisation uses for the global batch's statistics.
 */
package org.sparkgrad.nn.parallel;
