# The bench's data steps in pandas, as an analyst would write them in a
# notebook: read the CSV, drop duplicate rows, split 80/20, fill missing
# values (median for numbers, most frequent value for text) learned on the
# train side, clip by 1.5 IQR, standardise, one-hot the categories, and apply
# the same fitted values to the test side. Nothing is written (the issue's
# baseline). Prints {"ms": wall time, "cpuMs": CPU time, "train": rows, "test": rows} as JSON.
import json
import sys
import time

import numpy as np
import pandas as pd

path = sys.argv[1]
categorical = sys.argv[2].split(",")
started = time.perf_counter()
cpu_started = time.process_time()

df = pd.read_csv(path)
numeric = [c for c in df.columns if c not in categorical]
df = df.drop_duplicates()
train = df.sample(frac=0.8, random_state=42)
test = df.drop(train.index)

fill = {c: train[c].median() for c in numeric}
fill.update({c: train[c].mode().iloc[0] for c in categorical})
train = train.fillna(fill)
test = test.fillna(fill)

q1 = train[numeric].quantile(0.25)
q3 = train[numeric].quantile(0.75)
low, high = q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
train[numeric] = train[numeric].clip(low, high, axis=1)
test[numeric] = test[numeric].clip(low, high, axis=1)

mean, std = train[numeric].mean(), train[numeric].std(ddof=0)
train[numeric] = (train[numeric] - mean) / std
test[numeric] = (test[numeric] - mean) / std

for c in categorical:
    kinds = pd.CategoricalDtype(sorted(train[c].unique()))
    train[c] = train[c].astype(kinds)
    test[c] = test[c].astype(kinds)
train = pd.get_dummies(train, columns=categorical, dtype=np.float64)
test = pd.get_dummies(test, columns=categorical, dtype=np.float64)

elapsed = (time.perf_counter() - started) * 1000
cpu = (time.process_time() - cpu_started) * 1000
print(json.dumps({"ms": elapsed, "cpuMs": cpu, "train": len(train), "test": len(test), "columns": len(train.columns)}))
