"""torch_regression.py - the recipes of the regression samples trained by PyTorch: the
reference for the test errors samples/sine.net and samples/diabetes.net reach (issue 21).

sine (samples/sine.net, samples/sine_*.csv): 1-16-1, tanh then linear, xavier_uniform_
weights and torch.nn.Linear's default biases, Adam(lr 0.01), batch 16, 300 epochs.

diabetes (samples/diabetes.net, data/diabetes/*.csv from tools/fetch-data.sh diabetes):
10-16-1, relu (kaiming_normal_, fan_in) then linear (xavier_uniform_), the features
standardised with the training rows' mean and population standard deviation (netc's
`scale standardize`), Adam(lr 0.03), batch 32, 100 epochs.

Both: C = ½ Σ (a − y)² per sample averaged over the mini-batch (netc's mse), a fresh
torch.randperm order each epoch, float32, one thread.  Prints the test set's mean absolute
error, RMSE and R² (scikit-learn's definitions) after the last epoch:

    env -u OPENBLAS_CORETYPE /usr/bin/python3 bench/torch_regression.py sine --seed 1
"""
import argparse
import os

import numpy as np
import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def read_csv(path):
    rows = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)
    return rows[:, :-1], rows[:, -1:]


def layers(sizes, hidden):
    first = torch.nn.Linear(sizes[0], sizes[1])
    last = torch.nn.Linear(sizes[1], sizes[2])
    if hidden == "relu":
        torch.nn.init.kaiming_normal_(first.weight, nonlinearity="relu")
        act = torch.nn.ReLU()
    else:
        torch.nn.init.xavier_uniform_(first.weight)
        act = torch.nn.Tanh()
    torch.nn.init.xavier_uniform_(last.weight)
    return torch.nn.Sequential(first, act, last)


RECIPES = {   # data files, hidden units and activation, standardise, lr, batch, epochs
    "sine": (("samples/sine_train.csv", "samples/sine_test.csv"), 16, "tanh", False, 0.01, 16, 300),
    "diabetes": (("data/diabetes/train.csv", "data/diabetes/test.csv"), 16, "relu", True, 0.03, 32, 100),
}


def fit_figures(pred, y):
    err = pred - y
    total = ((y - y.mean(0)) ** 2).sum(0)
    r2 = 1 - (err ** 2).sum(0) / total
    return np.abs(err).mean(), np.sqrt((err ** 2).mean()), r2.mean()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("recipe", choices=sorted(RECIPES))
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    files, hidden, act, standardise, lr, batch, epochs = RECIPES[args.recipe]
    x, y = read_csv(os.path.join(ROOT, files[0]))
    tx, ty = read_csv(os.path.join(ROOT, files[1]))
    if standardise:
        mean, std = x.mean(0), x.std(0)
        std[std == 0] = 1
        x, tx = (x - mean) / std, (tx - mean) / std
    x, y, tx = (torch.tensor(a, dtype=torch.float32) for a in (x, y, tx))
    net = layers((x.shape[1], hidden, y.shape[1]), act)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    for _ in range(epochs):
        order = torch.randperm(len(x))
        for i in range(0, len(x), batch):
            idx = order[i:i + batch]
            opt.zero_grad()
            loss = 0.5 * ((net(x[idx]) - y[idx]) ** 2).sum(1).mean()
            loss.backward()
            opt.step()
    with torch.no_grad():
        pred = net(tx).double().numpy()
    mae, rmse, r2 = fit_figures(pred, ty)
    print("%s seed %d: test mae %.4g  test rmse %.4g  test r2 %.4f" % (args.recipe, args.seed, mae, rmse, r2))


if __name__ == "__main__":
    main()
