# The training bench's PyTorch contestant: the same network as train.mlp
# trains (32-128-128-2, relu; cross-entropy on the logits; Adam, learning
# rate 0.001) on the CPU with every core (torch.set_num_threads), batches
# drawn from one shuffled permutation an epoch.
# `python3 train_torch.py TRAIN_CSV TEST_CSV EPOCHS BATCH`; prints one JSON
# line {ms, cpuMs, rows, accuracy, threads}: ms and cpuMs of the fit alone.
import json
import os
import sys
import time

import numpy as np
import torch

train_path, test_path, epochs, batch = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])


def read(path):
    table = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32)
    return torch.from_numpy(np.ascontiguousarray(table[:, :-1])), torch.from_numpy(table[:, -1].astype(np.int64))


x, y = read(train_path)
test_x, test_y = read(test_path)
threads = len(os.sched_getaffinity(0))
torch.set_num_threads(threads)
torch.manual_seed(0)
model = torch.nn.Sequential(
    torch.nn.Linear(x.shape[1], 128),
    torch.nn.ReLU(),
    torch.nn.Linear(128, 128),
    torch.nn.ReLU(),
    torch.nn.Linear(128, 2),
)
optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
loss_fn = torch.nn.CrossEntropyLoss()
rows = x.shape[0]
cpu = time.process_time()
started = time.perf_counter()
for epoch in range(epochs):
    order = torch.randperm(rows)
    for start in range(0, rows, batch):
        at = order[start : start + batch]
        optimizer.zero_grad()
        loss = loss_fn(model(x[at]), y[at])
        loss.backward()
        optimizer.step()
ms = (time.perf_counter() - started) * 1000
cpu_ms = (time.process_time() - cpu) * 1000
with torch.no_grad():
    accuracy = (model(test_x).argmax(1) == test_y).float().mean().item()
print(json.dumps({"ms": ms, "cpuMs": cpu_ms, "rows": rows, "accuracy": accuracy, "threads": threads}))
