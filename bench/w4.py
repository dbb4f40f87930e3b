"""The Python peers of bench W4 (run by bench/w4.ts as subprocesses, one per peer and source).

Usage: python3 bench/w4.py --lib torch|sklearn --source idx|csv --dir FASHION_MNIST_DIR --csv-dir DIR [--epochs N]

The same run as `backprop train` then `backprop eval` in W4: Fashion-MNIST's 60,000 training and
10,000 test images, inputs standardised with the training images' per-pixel mean and standard
deviation (population; a constant pixel gets 1), an MLP 784-128-64-10 (ReLU, softmax +
cross-entropy), Adam lr 1e-3, batch 64, float32, N epochs, a fresh shuffle each epoch. Loading is
timed as a competent user would load: numpy from the gzipped IDX files, pandas.read_csv for CSV.

Prints one line: "@@" followed by JSON {peer, source, loadSeconds, trainSeconds, accuracy, peakMB}.
"""
import argparse
import gzip
import json
import os
import resource
import time

import numpy as np


def idx(path):
    with gzip.open(path) if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * k: 8 + 4 * k], "big") for k in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape[0], -1)


def load(source, directory, csv_dir):
    if source == "idx":
        name = lambda stem: os.path.join(directory, stem + ".gz")  # noqa: E731
        X = idx(name("train-images-idx3-ubyte")).astype(np.float32)
        y = idx(name("train-labels-idx1-ubyte")).ravel().astype(np.int64)
        Xt = idx(name("t10k-images-idx3-ubyte")).astype(np.float32)
        yt = idx(name("t10k-labels-idx1-ubyte")).ravel().astype(np.int64)
        return X, y, Xt, yt
    import pandas as pd  # noqa: PLC0415
    train = pd.read_csv(os.path.join(csv_dir, "fashion-mnist_train.csv"), dtype=np.float32)
    test = pd.read_csv(os.path.join(csv_dir, "fashion-mnist_test.csv"), dtype=np.float32)
    y = train.pop("label").to_numpy().astype(np.int64)
    yt = test.pop("label").to_numpy().astype(np.int64)
    return train.to_numpy(), y, test.to_numpy(), yt


def standardize(X, Xt):
    mean = X.astype(np.float64).mean(0)
    std = X.astype(np.float64).std(0)
    const = X.min(0) == X.max(0)
    mean[const] = X.min(0)[const]
    std[const] = 1.0
    return ((X - mean) / std).astype(np.float32), ((Xt - mean) / std).astype(np.float32)


def train_torch(X, y, Xt, yt, epochs):
    import torch  # noqa: PLC0415
    torch.set_num_threads(1)  # NOTE: as in W2: its OpenMP threads on top of OpenBLAS's spin against each other on this machine
    torch.manual_seed(1)
    X, y = torch.from_numpy(X), torch.from_numpy(y)
    model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    for _ in range(epochs):
        order = torch.randperm(X.shape[0])
        for s in range(0, len(order), 64):
            idx_ = order[s:s + 64]
            opt.zero_grad()
            loss_fn(model(X[idx_]), y[idx_]).backward()
            opt.step()
    with torch.no_grad():
        return float((model(torch.from_numpy(Xt)).argmax(1).numpy() == yt).mean()), {"torch": torch.__version__, "threads": torch.get_num_threads()}


def train_sklearn(X, y, Xt, yt, epochs):
    import warnings  # noqa: PLC0415
    import sklearn  # noqa: PLC0415
    from sklearn.neural_network import MLPClassifier  # noqa: PLC0415
    model = MLPClassifier(hidden_layer_sizes=(128, 64), activation="relu", solver="adam", learning_rate_init=1e-3, batch_size=64,
                          max_iter=epochs, alpha=0.0, shuffle=True, random_state=1, tol=0.0, n_iter_no_change=epochs + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NOTE: "did not converge" after exactly the epochs asked for
        model.fit(X, y)
    return float((model.predict(Xt) == yt).mean()), {"sklearn": sklearn.__version__}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lib", choices=["torch", "sklearn"], required=True)
    p.add_argument("--source", choices=["idx", "csv"], required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--csv-dir", required=True)
    p.add_argument("--epochs", type=int, default=10)
    a = p.parse_args()
    t0 = time.perf_counter()
    X, y, Xt, yt = load(a.source, a.dir, a.csv_dir)
    t1 = time.perf_counter()
    X, Xt = standardize(X, Xt)
    accuracy, versions = (train_torch if a.lib == "torch" else train_sklearn)(X, y, Xt, yt, a.epochs)
    t2 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("@@" + json.dumps({"peer": "pytorch" if a.lib == "torch" else "sklearn", "source": a.source, "loadSeconds": t1 - t0,
                             "trainSeconds": t2 - t1, "accuracy": accuracy, "peakMB": peak, **versions}), flush=True)


if __name__ == "__main__":
    main()
