"""The reference for large data (make bench): full-batch gradient descent written the obvious way
in numpy, on a CSV file loaded with numpy. Sigmoid layers, 1/2 squared error summed over rows.

    python plain_numpy_train.py DATA.csv WEIGHTS.npz EPOCHS LEARNING_RATE

DATA.csv: a header row, then the inputs and the target (last column) of each row; WEIGHTS.npz:
w0, b0, w1, b1, ... Prints Σ of the last epoch.
"""

import sys

import numpy as np


def main() -> None:
    data_path, weights_path, epochs, lr = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    table = np.loadtxt(data_path, delimiter=",", skiprows=1, ndmin=2)
    x, y = table[:, :-1], table[:, -1:]
    saved = np.load(weights_path)
    layers = len(saved.files) // 2
    weights = [saved[f"w{l}"] for l in range(layers)]
    biases = [saved[f"b{l}"] for l in range(layers)]
    for _ in range(epochs):
        acts = [x]
        for w, b in zip(weights, biases):
            acts.append(1.0 / (1.0 + np.exp(-(acts[-1] @ w + b))))
        out = acts[-1]
        total = 0.5 * float(((out - y) ** 2).sum())
        delta = (out - y) * out * (1 - out)
        for l in reversed(range(layers)):
            grad_w, grad_b = acts[l].T @ delta, delta.sum(axis=0)
            if l:
                delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
            weights[l] = weights[l] - lr * grad_w
            biases[l] = biases[l] - lr * grad_b
    print(f"Σ = {total:.6g}")


if __name__ == "__main__":
    main()
