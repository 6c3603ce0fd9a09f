package org.sparkgrad.backend;

/**
 * The hyper-parameters of one Adam/AdamW update of one parameter ({@link Backend#adamStep}), as
 * PyTorch's {@code _single_tensor_adam} takes them: the learning rate, the moments' decay rates,
 * epsilon, the weight decay (as L2 on the gradient, or AdamW's multiplicative decay when {@code
 * decoupled}), whether the objective is maximised, and the step number (from 1) for the bias
 * corrections.
 */
public record AdamHyper(
    double lr,
    double beta1,
    double beta2,
    double eps,
    double weightDecay,
    boolean decoupled,
    boolean maximize,
    double step) {}
