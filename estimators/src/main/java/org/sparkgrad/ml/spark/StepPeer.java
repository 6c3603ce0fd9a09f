package org.sparkgrad.ml.spark;

import org.apache.spark.network.client.RpcResponseCallback;
import org.apache.spark.network.client.TransportClient;

/**
 * One partition's connection to the driver's {@link StepPeers}, and the state of the current
 * exchange with it: the request it waits in, what it replied, and the round of a step it waits in
 * ({@link StepRounds}). Its state changes holding the server's lock; the arrays a reply brings
 * ({@code grad}, {@code buffers}) are filled before, on the connection's thread, while the driver
 * waits for that reply.
 */
final class StepPeer {
  final int partition;
  final long attempt;
  final boolean inProcess;
  final TransportClient client;
  // The port its children in the reduction tree reach it on (0: none), and its host as seen here.
  int treePort;
  String host;
  double[] sums;
  RpcResponseCallback pending;
  boolean done;
  double lossSum;
  double weightSum;
  double metricSum;
  long count;
  int gradLength;
  float[] grad;
  StepTraffic.TaskTimes times = StepTraffic.TaskTimes.NONE;
  float[] buffers;
  // A round the task waits in, its values and the callback its sums go to.
  RpcResponseCallback roundPending;
  long round;
  float[] partial;

  StepPeer(int partition, long attempt, boolean inProcess, TransportClient client) {
    this.partition = partition;
    this.attempt = attempt;
    this.inProcess = inProcess;
    this.client = client;
  }
}
