#!/usr/bin/python3
"""The Fashion-MNIST CNN of samples/FashionMnist in PyTorch, for the side-by-side race.

Same architecture (conv 3x3 32 + ReLU + maxpool 2, conv 3x3 64 + ReLU + maxpool 2, dense 3136->128 + ReLU,
dense 128->10), batch, initialisation scheme (He normal for the ReLU layers, Xavier uniform for the classifier,
zero biases), optimizer (Adam, lr 1e-3) and loss (mean cross-entropy). Prints one JSON line.
usage: cnn_torch.py --data DIR --threads N --steps N [--epochs E]
"""
import argparse, gzip, json, os, struct, time

ap = argparse.ArgumentParser()
ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--steps", type=int, default=300)
ap.add_argument("--epochs", type=int, default=0)
ap.add_argument("--batch", type=int, default=64)
ap.add_argument("--seed", type=int, default=1)
args = ap.parse_args()
os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
import numpy as np  # noqa: E402
import torch  # noqa: E402
torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)


def idx(name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(args.data, candidate)
        if os.path.exists(path):
            with (gzip.open(path) if path.endswith(".gz") else open(path, "rb")) as f:
                raw = f.read()
            dims = raw[3]
            shape = struct.unpack(">" + "I" * dims, raw[4:4 + 4 * dims])
            return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
    raise SystemExit(f"missing {name} in {args.data}")


x_train = torch.from_numpy(idx("train-images-idx3-ubyte").astype(np.float32) / 255).unsqueeze(1)
y_train = torch.from_numpy(idx("train-labels-idx1-ubyte").astype(np.int64))
x_test = torch.from_numpy(idx("t10k-images-idx3-ubyte").astype(np.float32) / 255).unsqueeze(1)
y_test = torch.from_numpy(idx("t10k-labels-idx1-ubyte").astype(np.int64))

model = torch.nn.Sequential(
    torch.nn.Conv2d(1, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Conv2d(32, 64, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Flatten(), torch.nn.Linear(64 * 7 * 7, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
for layer in model:
    if isinstance(layer, (torch.nn.Conv2d, torch.nn.Linear)):
        if isinstance(layer, torch.nn.Linear) and layer.out_features == 10:  # the classifier
            torch.nn.init.xavier_uniform_(layer.weight)
        else:
            torch.nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
        torch.nn.init.zeros_(layer.bias)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()
B = args.batch


def step(i):
    xb, yb = x_train[i * B:(i + 1) * B], y_train[i * B:(i + 1) * B]
    optimizer.zero_grad()
    loss = loss_fn(model(xb), yb)
    loss.backward()
    optimizer.step()
    return loss.item()


def accuracy():
    with torch.no_grad():
        correct = sum((model(x_test[i:i + 1000]).argmax(1) == y_test[i:i + 1000]).sum().item() for i in range(0, 10000, 1000))
    return correct / 10000


batches = len(y_train) // B
for i in range(10):  # warm-up
    step(i)
times = []
for i in range(args.steps):
    t = time.perf_counter()
    step((10 + i) % batches)
    times.append(time.perf_counter() - t)
curve = []
for epoch in range(args.epochs):
    perm = torch.randperm(len(y_train))
    x_train, y_train = x_train[perm], y_train[perm]
    for i in range(batches):
        step(i)
    curve.append(accuracy())
times.sort()
print(json.dumps({"ms_per_step": 1000 * times[len(times) // 2], "threads": args.threads, "torch": torch.__version__, "accuracy_per_epoch": curve}))
