// Package train fits small dense ReLU networks by gradient descent: the
// multilayer perceptron of Hertrich & Skutella's width study (AAAI 2021,
// §5 and Appendix D), trained with mean squared error and Adam.
//
// A Net has Hidden ReLU layers of Width neurons and a linear output
// layer; every layer after the first also reads the network's input
// directly (the "direct connections from the input to every layer" of
// the paper, Keras's Concatenate of input and previous layer). Its
// parameters live in one flat slice, weights Glorot-uniform and biases
// zero as in Keras's Dense. A Trainer owns the batch workspace and the
// Adam state, so a training step allocates nothing: the layers are
// blas64.Gemm calls (gonum) on row-major batches. Fit runs the paper's
// protocol: epochs of BatchesPerEpoch batches, stop after Patience
// epochs without a lower mean training loss (or at MaxEpochs), then the
// mean test MSE over TestBatches fresh batches.
//
// Everything is float64 and deterministic for a seed: one training runs
// on one goroutine (run several trainings in parallel to use more
// cores).
//
//	net, _ := train.New(train.Arch{In: 12, Width: 50, Hidden: 3, Out: 10}, train.NewRand(1))
//	t := train.NewTrainer(net, 32, train.DefaultAdam())
//	res := train.Fit(t, trainData, testData, train.DefaultProtocol(), nil)
//	fmt.Println(res.Epochs, res.TestMSE)
package train
