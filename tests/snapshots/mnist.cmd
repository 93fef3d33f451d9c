# samples/mnist.net's trainer: 3Blue1Brown's network (sigmoid, MSE, SGD, xavier init).
netc samples/mnist.net -o out
